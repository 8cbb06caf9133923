package io.vmnetd.netlink.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.Links;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.nl.Connection;
import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.testing.TestNetns;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One handle shared by many threads: every request gets its own answer, dumps stay consistent, and on a handle with
 * several sockets one thread's long round trip does not hold up another's request.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class ConcurrencyHostTest {
    private static final int PAIRS_PER_WRITER = 16;
    private static final Pattern VETH_END = Pattern.compile("w(\\d+)([ab])(\\d+)");

    private TestNetns ns;
    private RtNetlink rtnl;
    private ExecutorService pool;

    @BeforeEach
    void setUp() {
        ns = TestNetns.create();
        rtnl = ns.rtnl();
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        ns.close();
    }

    @Test
    void eightThreadsCreatingAndDeletingFiftyVethPairsEachOnOneHandleAllSucceed() throws Exception {
        eightThreadsCreateAndDeleteFiftyVethPairsEach(rtnl);
    }

    @Test
    void eightThreadsOnAHandleWithFourSocketsAllSucceedEachWithItsOwnAnswers() throws Exception {
        try (RtNetlink four = RtNetlink.openIn(ns.path(), Connection.Observer.NONE, 4)) {
            eightThreadsCreateAndDeleteFiftyVethPairsEach(four);
        }
    }

    /**
     * A request whose round trip is long (held here in the observer, right after it was sent) keeps only its own
     * socket: another thread's request on a handle with two sockets is answered meanwhile, on a second socket.
     */
    @Test
    void aRequestOnAHandleWithTwoSocketsIsAnsweredWhileAnotherThreadsRoundTripIsHeld() throws Exception {
        HeldRoundTrip held = new HeldRoundTrip();
        try (RtNetlink two = RtNetlink.openIn(ns.path(), held, 2)) {
            Future<Link> slow = held.start(pool, two);
            Future<Link> other = pool.submit(() -> two.links().get("lo"));

            assertThat(other.get(10, TimeUnit.SECONDS).name()).isEqualTo("lo");
            assertThat(slow).isNotDone();
            held.release.countDown();
            assertThat(slow.get(10, TimeUnit.SECONDS).name()).isEqualTo("lo");
        }
    }

    /** The same with the one socket of a plain handle: the other request waits for the held one (the test holds). */
    @Test
    void aRequestOnAHandleWithOneSocketWaitsForAnotherThreadsHeldRoundTrip() throws Exception {
        HeldRoundTrip held = new HeldRoundTrip();
        try (RtNetlink one = RtNetlink.openIn(ns.path(), held, 1)) {
            Future<Link> slow = held.start(pool, one);
            Future<Link> other = pool.submit(() -> one.links().get("lo"));

            Thread.sleep(500);
            assertThat(other).isNotDone();
            held.release.countDown();
            assertThat(slow.get(10, TimeUnit.SECONDS).name()).isEqualTo("lo");
            assertThat(other.get(10, TimeUnit.SECONDS).name()).isEqualTo("lo");
        }
    }

    /** An observer that holds the first request of the thread {@link #start} runs until {@link #release}. */
    private static final class HeldRoundTrip implements Connection.Observer {
        final CountDownLatch sent = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile Thread holder;

        Future<Link> start(ExecutorService pool, RtNetlink rtnl) throws InterruptedException {
            Future<Link> slow = pool.submit(() -> {
                holder = Thread.currentThread();
                return rtnl.links().get("lo");
            });
            assertThat(sent.await(10, TimeUnit.SECONDS)).as("the held request was sent").isTrue();
            return slow;
        }

        @Override
        public void requestSent(int messageType) {
            if (Thread.currentThread() == holder && sent.getCount() > 0) {
                sent.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void errorReceived(int messageType, Errno errno) {}
    }

    private void eightThreadsCreateAndDeleteFiftyVethPairsEach(RtNetlink rtnl) throws Exception {
        int threads = 8;
        int pairs = 50;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int worker = t;
            workers.add(pool.submit(() -> {
                start.await();
                Links links = rtnl.links();
                for (int i = 0; i < pairs; i++) {
                    links.create(LinkSpec.veth("w" + worker + "a" + i, "w" + worker + "b" + i).mtu(1400 + worker));
                    // Each answer is this thread's own: the link it just made, with its own MTU.
                    assertThat(links.get("w" + worker + "b" + i).mtu()).isEqualTo(1400 + worker);
                }
                for (int i = 0; i < pairs; i++) {
                    links.delete("w" + worker + "a" + i);
                }
                return null;
            }));
        }

        for (Future<?> w : workers) {
            w.get(35, TimeUnit.SECONDS);
        }

        assertThat(ns.linkNames()).containsExactly("lo");
    }

    @Test
    void listsTakenWhileOtherThreadsCreateAndDeleteAreWellFormed() throws Exception {
        int writers = 4;
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger lists = new AtomicInteger();
        List<Future<?>> writerFutures = new ArrayList<>();
        for (int t = 0; t < writers; t++) {
            int worker = t;
            writerFutures.add(pool.submit(() -> {
                Links links = rtnl.links();
                for (int i = 0; i < PAIRS_PER_WRITER; i++) {
                    links.create(LinkSpec.veth("w" + worker + "a" + i, "w" + worker + "b" + i));
                    if (i % 2 == 1) {
                        links.delete("w" + worker + "a" + (i - 1));
                    }
                }
                return null;
            }));
        }
        List<Future<?>> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            readers.add(pool.submit(() -> {
                while (writing.get()) {
                    assertWellFormed(rtnl.links().list());
                    lists.incrementAndGet();
                }
                return null;
            }));
        }

        try {
            for (Future<?> w : writerFutures) {
                w.get(30, TimeUnit.SECONDS);
            }
        } finally {
            writing.set(false);
        }
        for (Future<?> r : readers) {
            r.get(10, TimeUnit.SECONDS);
        }

        assertThat(lists.get()).isPositive();
        List<Link> end = rtnl.links().list();
        assertWellFormed(end);
        assertThat(end).extracting(Link::name).containsExactlyInAnyOrderElementsOf(ns.linkNames());
        // Every other pair was deleted again: half the pairs, two ends each, remain per writer, plus lo.
        assertThat(end).hasSize(writers * PAIRS_PER_WRITER + 1);
    }

    /** Unique names and indexes, lo present, and both ends of every veth pair: dumps are never torn. */
    private static void assertWellFormed(List<Link> links) {
        Set<String> names = new HashSet<>();
        Set<Integer> indexes = new HashSet<>();
        for (Link l : links) {
            assertThat(l.index()).isPositive();
            assertThat(names.add(l.name())).as("duplicate name %s", l.name()).isTrue();
            assertThat(indexes.add(l.index())).as("duplicate index %d", l.index()).isTrue();
        }
        assertThat(names).contains("lo");
        for (Link l : links) {
            if (l.name().equals("lo")) {
                continue;
            }
            Matcher m = VETH_END.matcher(l.name());
            assertThat(m.matches()).as("unexpected link %s", l.name()).isTrue();
            assertThat(l.kind()).isEqualTo(new LinkKind.Veth());
            String peer = "w" + m.group(1) + (m.group(2).equals("a") ? "b" : "a") + m.group(3);
            assertThat(names).as("peer of %s", l.name()).contains(peer);
        }
    }
}
