package io.vmnetd.daemon.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmnetd.netlink.LinkEvent;
import io.vmnetd.netlink.LinkMonitor;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.nl.Connection;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.testing.TestNetns;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A deletion counts as done when the kernel announces it: with the request's answer held back (by the observer, on
 * the request's thread, after the kernel has done the work), a delete returns as soon as the link monitor hands in
 * the kernel's RTM_DELLINK, and the link is gone by then; without the announcement it waits for the answer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AnnouncedDeletionsHostTest {
    private TestNetns ns;
    private HeldDeletion held;
    private RtNetlink rtnl;
    private final AnnouncedDeletions deletions = new AnnouncedDeletions();

    @BeforeEach
    void setUp() {
        ns = TestNetns.create();
        held = new HeldDeletion();
        rtnl = ns.rtnl(held);
        rtnl.links().create(LinkSpec.veth("gone-a", "gone-b"));
    }

    @AfterEach
    void tearDown() {
        held.release.countDown();
        rtnl.close();
        ns.close();
    }

    @Test
    void aDeleteReturnsOnTheKernelsAnnouncementWhileItsAnswerIsStillHeld() throws Exception {
        try (NetNs inside = ns.open(); LinkMonitor monitor = LinkMonitor.start(inside, this::announce)) {
            CompletableFuture<Boolean> delete = CompletableFuture.supplyAsync(
                    () -> deletions.delete("gone-a", () -> rtnl.links().deleteIfExists("gone-a")));

            assertThat(delete.get(10, TimeUnit.SECONDS)).as("returned, the link existed").isTrue();
            // (the announcement can come while the kernel is still inside the request's sendmsg)
            assertThat(held.sent.await(10, TimeUnit.SECONDS)).as("the delete's sendmsg returned").isTrue();
            assertThat(held.release.getCount()).as("its answer is still held").isEqualTo(1);
            assertThat(ns.tryIp("link", "show", "gone-a").exitCode()).as("gone-a listed").isNotZero();
            assertThat(ns.tryIp("link", "show", "gone-b").exitCode()).as("its peer listed").isNotZero();
        }
    }

    @Test
    void withoutAnAnnouncementADeleteWaitsForTheAnswer() throws Exception {
        CompletableFuture<Boolean> delete = CompletableFuture.supplyAsync(
                () -> deletions.delete("gone-a", () -> rtnl.links().deleteIfExists("gone-a")));
        assertThat(held.sent.await(20, TimeUnit.SECONDS)).as("the delete was sent").isTrue();
        Thread.sleep(1_000);
        assertThat(delete).as("a delete whose answer is held, with no monitor").isNotDone();

        held.release.countDown();
        assertThat(delete.get(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aLinkThatIsNotThereIsAnsweredAndAFailureIsTheCallersOwn() {
        held.release.countDown();
        try (NetNs inside = ns.open(); LinkMonitor monitor = LinkMonitor.start(inside, this::announce)) {
            assertThat(deletions.delete("never-was", () -> rtnl.links().deleteIfExists("never-was"))).isFalse();
            assertThatThrownBy(() -> deletions.delete("lo", () -> rtnl.links().deleteIfExists("lo")))
                    .isInstanceOf(NetlinkException.class);
        }
    }

    private void announce(LinkEvent event) {
        if (event.type() == LinkEvent.Type.LINK_DELETED) {
            event.name().ifPresent(deletions::announced);
        }
    }

    /** Holds the thread that sent the first RTM_DELLINK, after the kernel worked on it, until {@link #release}. */
    private static final class HeldDeletion implements Connection.Observer {
        final CountDownLatch sent = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void requestSent(int messageType) {
            if (messageType == Rtnl.RTM_DELLINK && sent.getCount() > 0) {
                sent.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void errorReceived(int messageType, Errno errno) {}
    }
}
