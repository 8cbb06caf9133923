package io.vmnetd.netlink.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkEvent;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.LinkMonitor;
import io.vmnetd.netlink.testing.TestNetns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The monitor sees changes that another process ({@code ip}) makes in the watched namespace, and only those. */
class LinkMonitorHostTest {
    private static final long DEADLINE_MILLIS = 2_000;

    private final BlockingQueue<LinkEvent> events = new LinkedBlockingQueue<>();
    private final List<LinkEvent> seen = new ArrayList<>();
    private final AtomicReference<Thread> listenerThread = new AtomicReference<>();
    private int from;
    private TestNetns ns;
    private LinkMonitor monitor;

    @BeforeEach
    void setUp() {
        ns = TestNetns.create();
        ns.ip("link", "add", "br0", "type", "bridge");
        ns.ip("link", "add", "v0", "type", "veth", "peer", "name", "v1");
        monitor = LinkMonitor.start(ns.open(), e -> {
            listenerThread.set(Thread.currentThread());
            events.add(e);
        });
    }

    @AfterEach
    void tearDown() {
        try {
            monitor.close();
        } finally {
            ns.close();
        }
    }

    @Test
    void linkDeletedByAnotherProcessIsReportedAsDeleted() {
        act("link", "del", "v0");

        await(LinkEvent.Type.LINK_DELETED, "v0", l -> true);
        await(LinkEvent.Type.LINK_DELETED, "v1", l -> true);
    }

    @Test
    void mtuSetByAnotherProcessIsReportedWithTheNewMtu() {
        act("link", "set", "v0", "mtu", "1333");

        Link link = await(LinkEvent.Type.LINK_UPDATED, "v0", l -> l.mtu() == 1333);
        assertThat(link.index()).isEqualTo(ns.link("v0").get("ifindex").asInt());
    }

    @Test
    void linkAddedByAnotherProcessIsReportedWithItsKind() {
        act("link", "add", "br7", "type", "bridge");

        Link link = await(LinkEvent.Type.LINK_UPDATED, "br7", l -> true);
        assertThat(link.kind()).isInstanceOf(LinkKind.Bridge.class);
        assertThat(link.index()).isEqualTo(ns.link("br7").get("ifindex").asInt());
    }

    @Test
    void portJoiningAndLeavingTheBridgeIsReported() {
        int bridge = ns.link("br0").get("ifindex").asInt();

        act("link", "set", "v0", "master", "br0");
        await(LinkEvent.Type.LINK_UPDATED, "v0", l -> l.masterIndex() == bridge);
        awaitPort(LinkEvent.Type.PORT_UPDATED, "v0");

        act("link", "set", "v0", "nomaster");
        await(LinkEvent.Type.LINK_UPDATED, "v0", l -> l.masterIndex() == 0);
        awaitPort(LinkEvent.Type.PORT_REMOVED, "v0");
    }

    @Test
    void changesInAnotherNamespaceAreNotReported() {
        try (TestNetns other = TestNetns.create()) {
            other.ip("link", "add", "elsewhere0", "type", "bridge");
            act("link", "add", "marker0", "type", "bridge");

            await(LinkEvent.Type.LINK_UPDATED, "marker0", l -> true);
            assertThat(seen).extracting(e -> e.name().orElse("")).doesNotContain("elsewhere0");
        }
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheMonitor() {
        monitor.close();
        Logger log = Logger.getLogger(LinkMonitor.class.getName());
        Level level = log.getLevel();
        log.setLevel(Level.OFF); // the monitor logs each failure with its stack trace
        try {
            monitor = LinkMonitor.start(ns.open(), e -> {
                events.add(e);
                throw new IllegalStateException("listener bug");
            });

            act("link", "set", "v0", "mtu", "1301");
            await(LinkEvent.Type.LINK_UPDATED, "v0", l -> l.mtu() == 1301);
            act("link", "set", "v0", "mtu", "1302");
            await(LinkEvent.Type.LINK_UPDATED, "v0", l -> l.mtu() == 1302);
        } finally {
            log.setLevel(level);
        }
    }

    @Test
    void aListenerThatFallsBehindIsToldToResynchronise() throws Exception {
        monitor.close();
        CountDownLatch release = new CountDownLatch(1);
        monitor = LinkMonitor.start(ns.open(), e -> {
            awaitQuietly(release);
            events.add(e);
        });
        // More notifications than the monitor's 4 MiB socket buffer holds while its listener is stuck.
        Path batch = Files.createTempFile("vmnt-mtu", ".batch");
        try {
            StringBuilder commands = new StringBuilder();
            for (int i = 0; i < 6000; i++) {
                commands.append("link set v0 mtu ").append(1000 + i % 400).append('\n');
            }
            Files.writeString(batch, commands);
            act("-b", batch.toString());
        } finally {
            release.countDown();
            Files.delete(batch);
        }

        next(e -> e.type() == LinkEvent.Type.RESYNC_NEEDED, "RESYNC_NEEDED");
    }

    @Test
    void closeStopsTheMonitorThreadAndDeliveryEnds() throws InterruptedException {
        act("link", "set", "v0", "mtu", "1400");
        await(LinkEvent.Type.LINK_UPDATED, "v0", l -> l.mtu() == 1400);
        Thread thread = listenerThread.get();

        monitor.close();

        assertThat(thread.isAlive()).isFalse();
        events.clear();
        act("link", "set", "v0", "mtu", "1401");
        assertThat(events.poll(300, TimeUnit.MILLISECONDS)).isNull();
        monitor.close(); // a second close is harmless
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs ip as another process; the events awaited next are those from here on. */
    private void act(String... ipArgs) {
        from = seen.size();
        ns.ip(ipArgs);
    }

    /** Waits for a link event of {@code type} about {@code name} whose link satisfies {@code test}. */
    private Link await(LinkEvent.Type type, String name, Predicate<Link> test) {
        return next(e -> e.type() == type && e.name().equals(Optional.of(name)) && e.link().filter(test).isPresent(),
                type + " of " + name).link().orElseThrow();
    }

    private void awaitPort(LinkEvent.Type type, String name) {
        LinkEvent e = next(x -> x.type() == type && x.port().filter(p -> p.name().equals(name)).isPresent(),
                type + " of port " + name);
        assertThat(e.port().orElseThrow().index()).isEqualTo(ns.link(name).get("ifindex").asInt());
    }

    /** The first wanted event since the last {@link #act}: events about one change may come in any order. */
    private LinkEvent next(Predicate<LinkEvent> wanted, String what) {
        for (LinkEvent e : seen.subList(from, seen.size())) {
            if (wanted.test(e)) {
                return e;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        while (true) {
            long left = deadline - System.nanoTime();
            LinkEvent e;
            try {
                e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
            if (e == null) {
                throw new AssertionError("no " + what + " within " + DEADLINE_MILLIS + " ms; saw " + seen);
            }
            seen.add(e);
            if (wanted.test(e)) {
                return e;
            }
        }
    }
}
