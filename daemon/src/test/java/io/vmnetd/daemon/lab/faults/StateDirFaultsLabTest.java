package io.vmnetd.daemon.lab.faults;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static io.vmnetd.daemon.testing.CniLab.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.testing.CniCall;
import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The state directory fails under the daemon: full, read-only, damaged files at start, a link planted in it. ADD
 * then fails with a clear CNI error and leaves nothing behind, what runs keeps running, and the daemon recovers by
 * itself; it never crash-loops and never writes through a link.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StateDirFaultsLabTest {
    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS + "cni: {reclaimSeconds: 5}\n", true, "eth1")
            .beforeStart(d -> d.stateDirOnTmpfs("1m"));

    @AfterEach
    void cleanPods() {
        Shell.run("mount", "-o", "remount,rw", lab.daemon().stateDir().toString());
        Shell.run("rm", "-f", lab.daemon().stateDir().resolve("filler").toString());
        lab.cleanPods();
    }

    @Test
    void aFullStateDirFailsAddCleanlyKeepsWhatRunsAndRecoversWhenSpaceReturns() throws IOException {
        TestNetns podA = lab.pod();
        String conf = conf("vlan100", "{}");
        String hostA = CniLab.hostVeth(lab.add("full-a", podA, conf).orFail());
        Shell.run("dd", "if=/dev/zero", "of=" + lab.daemon().stateDir().resolve("filler"), "bs=4k");

        TestNetns podB = lab.pod();
        CniCall.Result refused = lab.add("full-b", podB, conf);

        assertThat(refused.errorCode()).as(refused.toString()).isEqualTo(5);
        assertThat(refused.msg()).contains("state directory").containsIgnoringCase("no space left");
        assertThat(CniLab.hostVeths()).as("nothing of full-b on the node").containsExactly(hostA);
        assertThat(KernelState.in(podB.name()).linkNames()).containsExactly("lo");
        assertThat(lab.ports()).hasSize(1);
        assertThat(temporaryFiles()).as("no temporary file left").isEmpty();
        // Reconciles go on: a drift on the running port is repaired while the disk is full.
        Shell.check("bridge", "vlan", "del", "dev", hostA, "vid", "100");
        assertThat(eventually(10_000, () -> KernelState.host().bridgeVlans(hostA)
                .equals(VlanMembership.of("100", "100", 100)))).isTrue();

        Files.delete(lab.daemon().stateDir().resolve("filler"));
        assertThat(lab.add("full-b", podB, conf).exitCode()).as("ADD once space is back").isZero();
        assertThat(CniLab.hostVeths()).hasSize(2);
    }

    @Test
    void aReadOnlyStateDirFailsAddCleanlyAndDelStillTearsDown() {
        TestNetns podA = lab.pod();
        String conf = conf("vlan100", "{}");
        String hostA = CniLab.hostVeth(lab.add("ro-a", podA, conf).orFail());
        Shell.check("mount", "-o", "remount,ro", lab.daemon().stateDir().toString());

        TestNetns podB = lab.pod();
        CniCall.Result refused = lab.add("ro-b", podB, conf);
        assertThat(refused.errorCode()).as(refused.toString()).isEqualTo(5);
        assertThat(refused.msg()).contains("state directory").containsIgnoringCase("read-only");
        assertThat(CniLab.hostVeths()).containsExactly(hostA);

        CniCall.Result del = lab.del("ro-a", podA, conf);
        assertThat(del.exitCode()).as("DEL never blocks a pod's teardown: " + del).isZero();
        assertThat(KernelState.host().exists(hostA)).isFalse();

        Shell.check("mount", "-o", "remount,rw", lab.daemon().stateDir().toString());
        assertThat(lab.add("ro-b", podB, conf).exitCode()).isZero();
    }

    @Test
    void aLinkPlantedAtAnEntrysNameIsReplacedNeverWrittenThrough() throws Exception {
        Path victim = Files.writeString(Files.createTempFile(Path.of("/var/tmp"), "victim", ".txt"), "original");
        Path attachments = lab.daemon().stateDir().resolve("attachments");
        Path planted = attachments.resolve(entryName("planted-1", "eth0"));
        Files.createSymbolicLink(planted, victim);

        TestNetns pod = lab.pod();
        lab.add("planted-1", pod, conf("vlan100", "{}")).orFail();

        assertThat(victim).hasContent("original");
        assertThat(Files.isSymbolicLink(planted)).isFalse();
        assertThat(Files.isRegularFile(planted, LinkOption.NOFOLLOW_LINKS)).isTrue();
        Files.delete(victim);
    }

    @Test
    void damagedStateFilesAtStartAreMovedAsideCountedAndTheRestIsKept() throws Exception {
        String conf = conf("vlan100", "{}");
        TestNetns good = lab.pod();
        TestNetns bad = lab.pod();
        String goodVeth = CniLab.hostVeth(lab.add("damaged-good", good, conf).orFail());
        String badVeth = CniLab.hostVeth(lab.add("damaged-bad", bad, conf).orFail());
        java.util.Map<String, String> before = KernelState.host().canonicalLines();
        lab.daemon().kill9();
        Path state = lab.daemon().stateDir();
        String registry = Files.readString(state.resolve("networks.json"));
        Files.writeString(state.resolve("networks.json"), registry.substring(0, registry.length() / 2));
        Files.writeString(state.resolve("attachments").resolve(entryName("damaged-bad", "eth0")), "{\"containerId\": ");

        lab.daemon().startProcess();

        // An entry the read-only test's DEL could not remove (its pod long gone) is finished by the reclaimer's sweep
        // at start, which runs beside readiness: wait for it rather than race it.
        assertThat(eventually(30_000, () -> containerIds().equals(java.util.List.of("damaged-good"))))
                .as("only the undamaged entry's attachment is kept: " + containerIds()).isTrue();
        assertThat(aside(state, "networks.json.corrupt-")).hasSize(1);
        assertThat(aside(state.resolve("attachments"), ".json.corrupt-")).hasSize(1);
        assertThat(lab.daemon().metrics().sum("vmnetd_state_files_moved_aside_total", "file", "registry")).isEqualTo(1);
        assertThat(lab.daemon().metrics().sum("vmnetd_state_files_moved_aside_total", "file", "journal")).isEqualTo(1);
        assertThat(lab.daemon().log()).contains("is damaged").contains("moved aside");
        assertThat(eventually(30_000, () -> !KernelState.host().exists(badVeth)))
                .as("the port no entry describes any more is reclaimed").isTrue();
        assertThat(KernelState.host().exists(goodVeth)).isTrue();
        assertThat(Files.exists(state.resolve("networks.json"))).as("the registry is written again").isTrue();
        java.util.Map<String, String> after = KernelState.host().canonicalLines();
        for (String key : List.of("link data-bo", "vlan data-bo", "vlan data-br", "link eth1", "link " + goodVeth,
                "vlan " + goodVeth)) {
            // The bridge's own id (its MAC: the lowest of its ports') may change as the bad port goes: the ports'
            // bridge-port details name it. Everything else is as it was.
            String was = withoutBridgeId(before.get(key));
            String is = withoutBridgeId(after.get(key));
            assertThat(is).as(key + " as before the restart; first difference: " + firstDifference(was, is))
                    .isEqualTo(was);
        }
    }

    private static String withoutBridgeId(String line) {
        return line == null ? null : line.replaceAll("\"(bridge_id|root_id|designated_root|designated_bridge)\":\"[^\"]*\"", "");
    }

    /** Where two dumps part, with some context: the whole lines are too long for a report. */
    private static String firstDifference(String a, String b) {
        if (a == null || b == null) {
            return a + " vs " + b;
        }
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        int from = Math.max(0, i - 60);
        return "before …" + a.substring(from, Math.min(a.length(), i + 120)) + "… after …"
                + b.substring(from, Math.min(b.length(), i + 120)) + "…";
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> all = Files.walk(lab.daemon().stateDir())) {
            return all.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    private static List<Path> aside(Path dir, String marker) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().contains(marker)).toList();
        }
    }

    /** The journal's file name for an attachment: the first 16 bytes of SHA-256(container id NUL ifname), in hex. */
    private static String entryName(String containerId, String ifName) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256")
                .digest((containerId + "\0" + ifName).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d, 0, 16) + ".json";
    }

    private static java.util.List<String> containerIds() {
        java.util.List<String> ids = new java.util.ArrayList<>();
        lab.ports().forEach(p -> ids.add(p.path("containerId").asText()));
        return ids;
    }
}
