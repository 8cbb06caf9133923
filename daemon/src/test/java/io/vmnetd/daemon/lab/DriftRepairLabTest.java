package io.vmnetd.daemon.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.daemon.testing.LinkEvents;
import io.vmnetd.daemon.testing.PromText;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Someone changes the data network behind vmnetd's back; the daemon, woken by the link event, puts it back within
 * a second. The network is polled with iproute2 until it reads as declared again; the repair time is measured
 * from iproute2's own timestamps of the link notifications ({@code ip -ts monitor link}): from the change's to
 * the last one before that read, since one poll costs two process starts (~0.5 s under TCG).
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DriftRepairLabTest {
    /** The bound for a repair driven by a link event: 1 s, unless -Dvmnetd.lab.driftLimitMillis says otherwise. */
    static final long LIMIT_MILLIS = Long.getLong("vmnetd.lab.driftLimitMillis", 1000);
    private static final Map<String, String> MEASURED = new ConcurrentSkipListMap<>();

    private final KernelState kernel = KernelState.host();
    private LabTopology lab;
    private DaemonUnderTest daemon;
    private LinkEvents events;

    @BeforeAll
    void start() {
        lab = LabTopology.withNics("eth1", "eth2");
        // A long resync period: every repair seen here is the link-event path's.
        daemon = DaemonUnderTest.create(NodeConfigs.DATA_ONLY).resyncSeconds(3600).startInProcess();
        events = LinkEvents.start();
    }

    @AfterAll
    void stop() {
        System.out.println("drift repair times: " + MEASURED);
        lab.closeAfter(events, daemon);
    }

    @BeforeEach
    void settled() {
        awaitConverged(10_000);
        // The previous repair's last notifications (carrier, say) must not be taken for this test's change.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<LinkEvents.Event> all = events.all();
            if (all.isEmpty() || Duration.between(all.get(all.size() - 1).at(), Instant.now()).toMillis() > 500) {
                return;
            }
            sleep(100);
        }
    }

    @Test
    void deletedBridge() {
        assertRepaired("bridge_missing", "ip", "link", "del", "data-br");
    }

    @Test
    void deletedBond() {
        assertRepaired("bond_missing", "ip", "link", "del", "data-bo");
    }

    @Test
    void removedVid() {
        assertRepaired("vlans", "bridge", "vlan", "del", "dev", "data-bo", "vid", "100");
    }

    @Test
    void addedVids() {
        assertRepaired("vlans", "bridge", "vlan", "add", "dev", "data-bo", "vid", "2000-2010");
    }

    @Test
    void changedMtu() {
        assertRepaired("mtu", "ip", "link", "set", "data-br", "mtu", "1500");
    }

    @Test
    void releasedNic() {
        assertRepaired("nic_released", "ip", "link", "set", "eth1", "nomaster");
    }

    @Test
    void bridgeSetDown() {
        assertRepaired("down", "ip", "link", "set", "data-br", "down");
    }

    @Test
    void nicSetDown() {
        assertRepaired("down", "ip", "link", "set", "eth2", "down");
    }

    @Test
    void vlanFilteringTurnedOff() {
        assertRepaired("vlan_filtering", "ip", "link", "set", "data-br", "type", "bridge", "vlan_filtering", "0");
    }

    private void assertRepaired(String kind, String... command) {
        long repairsBefore = daemon.status().get("driftRepairs").asLong();
        double kindBefore = daemon.metrics().sum("vmnetd_drift_repairs_total", "kind", kind);
        String what = String.join(" ", command);

        Instant issued = Instant.now();
        Shell.check(command);
        Instant done = Instant.now();
        long changed = System.nanoTime();
        List<String> wrong = List.of();
        long polledMillis = -1;
        while (System.nanoTime() - changed < 10_000_000_000L) {
            wrong = ExpectedNetwork.DATA.differences(kernel.snapshot());
            if (wrong.isEmpty()) {
                polledMillis = (System.nanoTime() - changed) / 1_000_000;
                break;
            }
            sleep(20);
        }
        Instant confirmed = Instant.now();
        assertThat(wrong).as("the data network 10 s after `%s`", what).isEmpty();

        // The repair time, by iproute2's timestamps of the link notifications: from the change's first one to the
        // last one before the network was seen repaired (so the poll's cost is not counted), leaving out carrier
        // changes the kernel makes later by itself (a bridge reports carrier once a port forwards). Not from the
        // command's exit: under TCG Java may see that only after the daemon has repaired.
        List<LinkEvents.Event> seen = events.since(issued).stream().filter(e -> !e.at().isAfter(confirmed)).toList();
        assertThat(seen).as("link notifications after `%s`", what).isNotEmpty();
        Instant repaired = lastNonCarrier(issued, seen);
        long kernelMillis = Duration.between(seen.get(0).at(), repaired).toMillis();
        MEASURED.put(what, kernelMillis + " ms (first read as repaired after " + polledMillis + " ms)");

        long repairsAfter = daemon.status().get("driftRepairs").asLong();
        PromText metrics = daemon.metrics();
        assertThat(repairsAfter).as("/v1/status driftRepairs after `%s`", what).isGreaterThan(repairsBefore);
        assertThat(metrics.sum("vmnetd_drift_repairs_total", "kind", kind))
                .as("vmnetd_drift_repairs_total{kind=%s} after `%s`; all: %s", kind, what,
                        metrics.byLabel("vmnetd_drift_repairs_total", "kind"))
                .isGreaterThan(kindBefore);
        assertThat(kernelMillis).as("ms from `%s` (done %s) to the last repair, by the link notifications: %s", what, done,
                seen.stream().map(e -> e.at() + " " + e.text()).toList()).isLessThan(LIMIT_MILLIS);
    }

    /** When the last of {@code seen} that is more than a carrier change of its link came. */
    private Instant lastNonCarrier(Instant issued, List<LinkEvents.Event> seen) {
        Map<String, LinkEvents.Event> previous = new HashMap<>();
        for (LinkEvents.Event e : events.all()) {
            if (e.at().isBefore(issued)) {
                previous.put(key(e), e);
            }
        }
        Instant last = seen.get(0).at();
        for (LinkEvents.Event e : seen) {
            LinkEvents.Event before = previous.put(key(e), e);
            boolean carrierOnly = before != null && !before.text().equals(e.text())
                    && before.withoutCarrier().equals(e.withoutCarrier());
            if (!carrierOnly) {
                last = e.at();
            }
        }
        return last;
    }

    private static String key(LinkEvents.Event e) {
        String normalized = e.withoutCarrier();
        return e.device() + " " + normalized.substring(0, normalized.indexOf(' '));
    }

    private void awaitConverged(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        List<String> wrong;
        while (!(wrong = ExpectedNetwork.DATA.differences(kernel.snapshot())).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the data network is not as declared: " + wrong);
            }
            sleep(50);
        }
    }

    private static void sleep(long millis) {
        StartupConvergenceLabTest.sleep(millis);
    }
}
