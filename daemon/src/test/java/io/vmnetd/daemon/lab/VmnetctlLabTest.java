package io.vmnetd.daemon.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.netlink.VidSet;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.VlanMembership;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * vmnetctl (cli/target/vmnetctl.jar, run as a process) against a daemon on a real node: its tables read back
 * against iproute2, and what check and apply change, seen in the kernel.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VmnetctlLabTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KernelState kernel = KernelState.host();
    private LabTopology lab;
    private DaemonUnderTest daemon;

    record Run(int code, String out, String err) {}

    @BeforeAll
    void start() {
        lab = LabTopology.withNics("eth1", "eth2");
        daemon = DaemonUnderTest.create(NodeConfigs.DATA_ONLY).startInProcess();
    }

    @AfterAll
    void stop() {
        lab.closeAfter(daemon);
    }

    /** vmnetctl as an operator runs it; the interpreter alone starts it fastest on the lab's emulated CPU. */
    private Run vmnetctl(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xint", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-jar", jar().toString(),
                "--socket", daemon.socket().toString()));
        command.addAll(List.of(args));
        Shell.Result r = Shell.run(command);
        return new Run(r.exitCode(), r.stdout(), r.stderr());
    }

    private static Path jar() {
        Path jar = Path.of("cli/target/vmnetctl.jar").toAbsolutePath();
        assertThat(jar).as("run mvn install first").exists();
        return jar;
    }

    @Test
    void linksReadLikeBridgeVlanShow() {
        Run r = vmnetctl("links", "--no-headers");
        assertThat(r.code()).as(r.err()).isZero();
        // PORT MASTER VLAN-ID [FLAGS]; a port's further ranges on lines of their own.
        Map<String, List<String[]>> rows = new LinkedHashMap<>();
        String port = null;
        for (String line : r.out().split("\n")) {
            String[] cells = line.split(" {3,}");
            if (!line.startsWith(" ")) {
                port = cells[0];
                rows.put(port, new ArrayList<>());
                rows.get(port).add(new String[] {cells[2], cells.length > 3 ? cells[3] : ""});
            } else {
                String[] rest = line.strip().split(" {3,}");
                rows.get(port).add(new String[] {rest[0], rest.length > 1 ? rest[1] : ""});
            }
        }
        Map<String, VlanMembership> shown = new LinkedHashMap<>();
        rows.forEach((name, ranges) -> shown.put(name, membership(ranges)));
        assertThat(shown).isEqualTo(kernel.allBridgeVlans());
        assertThat(shown.get("data-bo").vids()).isEqualTo(VidSet.parse(NodeConfigs.DATA_UPLINK_VIDS));
        // Collapsed: 300-310 is one line, as bridge -compressvlans prints it.
        assertThat(rows.get("data-bo")).extracting(c -> c[0]).containsExactly("1", "42", "100", "300-310");
    }

    private static VlanMembership membership(List<String[]> ranges) {
        List<String> vids = new ArrayList<>();
        List<String> untagged = new ArrayList<>();
        int pvid = 0;
        for (String[] r : ranges) {
            vids.add(r[0]);
            if (r[1].contains("Egress Untagged")) {
                untagged.add(r[0]);
            }
            if (r[1].contains("PVID")) {
                pvid = Integer.parseInt(r[0]);
            }
        }
        return VlanMembership.of(String.join(",", vids), String.join(",", untagged), pvid);
    }

    @Test
    void networksAsJsonAndAsATable() throws IOException {
        Run json = vmnetctl("networks", "-o", "json");
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode data = JSON.readTree(json.out()).get(0);
        assertThat(data.get("name").asText()).isEqualTo("data");
        assertThat(data.get("bridge").asText()).isEqualTo("data-br");
        assertThat(data.get("mtu").asInt()).isEqualTo(kernel.mtu("data-br")).isEqualTo(9000);
        // The tagged VIDs the VM networks need; the uplink also has the default VLAN 1, untagged.
        assertThat(VidSet.parse(data.get("uplinkVids").asText()))
                .isEqualTo(kernel.bridgeVlans("data-bo").vids().minus(VidSet.parse("1")));

        Run table = vmnetctl("networks", "--no-headers");
        assertThat(table.out().lines().map(l -> l.split(" {3,}")).map(c -> String.join("|", c)).toList())
                .containsExactly("data|cluster|-|42,100,300-310|9000|0|ok",
                        "vlan100|vlan|data|100|9000|0|ok", "trunk|trunk|data|42,300-310|9000|0|ok");
    }

    @Test
    void checkShowsANetworkBackAsDeclaredAfterDrift() {
        Shell.check("bridge", "vlan", "del", "dev", "data-bo", "vid", "42");
        Run r = vmnetctl("check", "trunk");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("network:   trunk (on cluster network data)\nresult:    ok\n");
        assertThat(kernel.bridgeVlans("data-bo").vids().contains(42)).isTrue();
    }

    @Test
    void applyDryRunChangesNothingThenApplyDoes() throws IOException {
        Path file = daemon.dir().resolve("new.yaml");
        Files.writeString(file, daemon.yaml(NodeConfigs.DATA_ONLY
                + "  - {name: vlan200, clusterNetwork: data, type: L2VlanNetwork, vlan: 200}\n"));
        try {
            Run dry = vmnetctl("apply", "-f", file.toString(), "--dry-run");
            assertThat(dry.code()).as(dry.err()).isZero();
            assertThat(dry.out()).isEqualTo("data:\n  + VLANs on data-bo: 200\n");
            assertThat(kernel.bridgeVlans("data-bo").vids().contains(200)).isFalse();

            Run applied = vmnetctl("apply", "-f", file.toString());
            assertThat(applied.code()).as(applied.err()).isZero();
            assertThat(applied.out()).startsWith("applied " + file + ":\ndata:\n  + VLANs on data-bo: 200");
            assertThat(kernel.bridgeVlans("data-bo").vids().contains(200)).isTrue();
        } finally {
            daemon.postConfig(NodeConfigs.DATA_ONLY).requireOk();
        }
    }

    @Test
    void aBadFileIsRefusedWithFileLineColumnAndChangesNothing() throws IOException {
        String before = kernel.canonicalDump();
        Path file = daemon.dir().resolve("bad.yaml");
        Files.writeString(file, daemon.yaml(NodeConfigs.DATA_ONLY
                + "  - {name: vlan5000, clusterNetwork: data, type: L2VlanNetwork, vlan: 5000}\n"));
        Run r = vmnetctl("apply", "-f", file.toString());
        assertThat(r.code()).isEqualTo(7);
        assertThat(r.err()).matches("vmnetctl: " + file + ":\\d+:\\d+: vmNetworks\\[2\\]\\.vlan: [^\\n]*5000[^\\n]*\\n");
        assertThat(kernel.canonicalDump()).isEqualTo(before);
    }

    @Test
    void aPvidIsShownWithItsFlags() {
        // The uplink's native VLAN 1: PVID, egress untagged, as bridge vlan show prints it; then its tagged VLANs.
        Run r = vmnetctl("links", "data-bo", "--no-headers");
        assertThat(r.out()).startsWith("data-bo   data-br   1         PVID Egress Untagged\n");
        assertThat(kernel.bridgeVlans("data-bo").pvid()).isEqualTo(OptionalInt.of(1));
        assertThat(kernel.bridgeVlans("data-bo").untagged()).isEqualTo(VidSet.parse("1"));
        // The bridge vmnetd made has no VLAN of its own (default PVID 0): nothing to show.
        assertThat(vmnetctl("links", "data-br", "--no-headers").out()).isEqualTo("data-br   -   -\n");
        assertThat(kernel.bridgeVlans("data-br").vids()).isEqualTo(VidSet.empty());
    }
}
