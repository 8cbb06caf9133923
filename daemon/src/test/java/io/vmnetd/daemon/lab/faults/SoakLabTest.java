package io.vmnetd.daemon.lab.faults;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static io.vmnetd.daemon.testing.CniLab.hostLocal;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.testing.CniCall;
import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.Invariants;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 1000 ADD/DEL cycles (100 ports, 10 rounds, 8 at a time) through the shim against a daemon process: its open
 * descriptors, threads and resident memory are printed before and after and stay put, and nothing is left: no
 * link, no namespace descriptor held, no journal entry, no lease.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SoakLabTest {
    private static final int PORTS = 100;
    private static final int ROUNDS = 10;

    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS, true, "eth1");

    record Usage(long fds, long netnsFds, long threads, long rssKib) {}

    @Test
    void aThousandAddDelCyclesLeaveNothingAndKeepDescriptorsThreadsAndMemoryStable() throws Exception {
        Path dataDir = lab.daemon().dir().resolve("ipam");
        String conf = conf("vlan100", hostLocal("10.100.0.0/24", dataDir));
        List<TestNetns> pods = new ArrayList<>();
        for (int i = 0; i < PORTS; i++) {
            pods.add(lab.pod());
        }
        ExecutorService workers = Executors.newFixedThreadPool(8);
        Usage before = null;
        try {
            for (int round = 0; round <= ROUNDS; round++) {
                runAll(workers, pods, round, "ADD", conf);
                assertThat(CniLab.hostVeths()).as("round " + round).hasSize(PORTS);
                runAll(workers, pods, round, "DEL", conf);
                if (round == 0) {
                    before = usage(); // after a first round: pools made, classes loaded, code compiled
                }
            }
        } finally {
            workers.shutdownNow();
        }
        Usage after = usage();
        System.out.printf("SOAK %d ADD/DEL cycles: before fds=%d netns-fds=%d threads=%d rss=%d KiB; "
                + "after fds=%d netns-fds=%d threads=%d rss=%d KiB%n", PORTS * ROUNDS, before.fds(),
                before.netnsFds(), before.threads(), before.rssKib(), after.fds(), after.netnsFds(), after.threads(),
                after.rssKib());

        assertThat(CniLab.hostVeths()).isEmpty();
        assertThat(lab.ports()).isEmpty();
        assertThat(Invariants.leaseHolders(dataDir.resolve("vlan100"))).isEmpty();
        assertThat(after.netnsFds()).as("namespace descriptors held").isZero();
        assertThat(after.fds()).as("descriptors").isLessThanOrEqualTo(before.fds() + 4);
        assertThat(after.threads()).as("threads").isLessThanOrEqualTo(before.threads() + 4);
        assertThat(after.rssKib()).as("resident memory").isLessThan(before.rssKib() * 3 / 2);
        try (Stream<Path> entries = Files.list(lab.daemon().stateDir().resolve("attachments"))) {
            assertThat(entries.toList()).as("journal files").isEmpty();
        }
    }

    private static void runAll(ExecutorService workers, List<TestNetns> pods, int round, String command, String conf)
            throws Exception {
        List<Future<CniCall.Result>> results = new ArrayList<>();
        for (int i = 0; i < pods.size(); i++) {
            CniCall call = CniCall.of(command, lab.socket(), "soak-" + round + "-" + i, pods.get(i).path().toString(),
                    "eth0", conf);
            results.add(workers.submit(command.equals("ADD") ? () -> lab.add(call) : call::run));
        }
        for (Future<CniCall.Result> r : results) {
            CniCall.Result result = r.get(300, TimeUnit.SECONDS);
            assertThat(result.exitCode()).as(result.toString()).isZero();
        }
    }

    private static Usage usage() throws IOException {
        long pid = lab.daemon().process().pid();
        Path proc = Path.of("/proc", Long.toString(pid));
        long fds = 0;
        long netns = 0;
        try (Stream<Path> all = Files.list(proc.resolve("fd"))) {
            for (Path fd : all.toList()) {
                fds++;
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("net:")) {
                        netns++;
                    }
                } catch (IOException gone) {
                    // closed while listed
                }
            }
        }
        String status = Files.readString(proc.resolve("status"));
        return new Usage(fds, netns, field(status, "Threads:"), field(status, "VmRSS:"));
    }

    private static long field(String status, String name) {
        return status.lines().filter(l -> l.startsWith(name)).findFirst()
                .map(l -> Long.parseLong(l.substring(name.length()).replace("kB", "").strip()))
                .orElseThrow();
    }
}
