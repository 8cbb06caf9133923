package io.vmnetd.daemon.lab.cni;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static io.vmnetd.daemon.testing.CniLab.staticIp;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.testing.CniCall;
import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every bad ADD gets its CNI error code and changes nothing: the node's {@code ip -j -d link} and
 * {@code bridge -j vlan} output and the pod's {@code ip -j -d link} are the same after it as before, and the
 * daemon journals nothing.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CniBadInputLabTest {
    private static final String GOOD = conf("vlan100", staticIp("10.100.0.2/24"));

    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS, "eth1");

    private TestNetns pod;
    private String nodeBefore;
    private String podBefore;

    @BeforeAll
    void start() {
        pod = lab.pod();
    }

    @Test
    void malformedAndInvalidNetworkConfigurationsAreRefusedWithTheirCodes() {
        snapshot();
        refused(6, "not valid JSON", c -> c.config("{\"cniVersion\":\"1.0.0\",\"name\":"));
        refused(6, "not a JSON object", c -> c.config("[1,2]"));
        refused(7, "\"nope\" is not a VM network", c -> c.config(conf("1.0.0", "nope", "{}", "")));
        refused(7, "nope-br is not the bridge", c -> c.config(
                "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"type\":\"vmnet\",\"bridge\":\"nope-br\",\"ipam\":{}}"));
        refused(7, "vlan: 4095 is out of range", c -> c.config(
                "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"type\":\"vmnet\",\"bridge\":\"data-br\",\"vlan\":4095}"));
        refused(7, "vlanTrunk[0].maxID", c -> c.config("{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"type\":\"vmnet\","
                + "\"bridge\":\"data-br\",\"vlanTrunk\":[{\"minID\":10,\"maxID\":5000}]}"));
        refused(7, "vlan: 200 disagrees with network vlan100",
                c -> c.config(conf("1.0.0", "vlan100", "{}", "\"vlan\": 200")));
        refused(7, "mgmt-br disagrees with network vlan100", c -> c.config(conf("1.0.0", "vlan100", "{}", "\"bridge\": \"mgmt-br\"")));
        CniCall.Result mtu = refused(7, "mtu: 1500 differs", c -> c.config(conf("1.0.0", "vlan100", "{}", "\"mtu\": 1500")));
        assertThat(mtu.msg()).contains("1500").contains("9000");
        CniCall.Result version = refused(1, "cniVersion \"9.9.9\" is not supported",
                c -> c.config(GOOD.replace("1.0.0", "9.9.9")));
        assertThat(version.msg()).contains("1.1.0");
        refused(1, "cniVersion \"0.2.0\"", c -> c.config(GOOD.replace("1.0.0", "0.2.0")));
        refused(1, "cniVersion is missing", c -> c.config(GOOD.replace("\"cniVersion\":\"1.0.0\",", "")));
    }

    @Test
    void badOrMissingCniVariablesAreRefusedWithCode4() {
        snapshot();
        refused(4, "CNI_IFNAME", c -> c.ifName("eth0123456789012"));
        refused(4, "CNI_IFNAME", c -> c.ifName("et/h0"));
        refused(4, "CNI_NETNS", c -> c.netns("/etc/hostname"));
        refused(4, "CNI_NETNS", c -> c.netns("/run/netns/vmnet-no-such-pod"));
        refused(4, "CNI_CONTAINERID is not set", c -> c.unset("CNI_CONTAINERID"));
        refused(4, "CNI_IFNAME is not set", c -> c.unset("CNI_IFNAME"));
        refused(4, "CNI_NETNS is not set", c -> c.unset("CNI_NETNS"));
        refused(4, "CNI_PATH is not set", c -> c.unset("CNI_PATH"));
        refused(4, "CNI_COMMAND", c -> c.unset("CNI_COMMAND"));
        refused(4, "is not a CNI command", c -> c.env("CNI_COMMAND", "ATTACH"));
    }

    @Test
    void anIpamTypeThatIsAPathIsRefusedAndACniPathOutsideTheAllowedDirectoriesIsNeverSearched() throws IOException {
        Path dir = Files.createDirectories(lab.daemon().dir().resolve("evil"));
        Path marker = dir.resolve("ran");
        Path plugin = dir.resolve("static");
        Files.writeString(plugin, "#!/bin/sh\ntouch " + marker + "\necho '{\"cniVersion\":\"1.0.0\"}'\n");
        Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
        snapshot();

        String asPath = conf("vlan100", "{\"type\":\"" + plugin + "\"}");
        refused(7, "must be a plugin name, not a path", c -> c.config(asPath));
        String relative = conf("vlan100", "{\"type\":\"../../.." + plugin + "\"}");
        refused(7, "must be a plugin name, not a path", c -> c.config(relative));
        // CNI_PATH entries outside cni.ipamDirs are skipped, never searched: the allowed static plugin serves the
        // ADD wherever the planted one sits in CNI_PATH, and the planted one never runs.
        for (String cniPath : List.of(dir.toString(), dir + ":" + CniCall.CNI_PATH, "/usr/lib/cni/../../.." + dir)) {
            CniCall.Result add = CniCall.add(lab.socket(), "bad-1", pod.path().toString(), "eth0", GOOD)
                    .path(cniPath).run();
            assertThat(add.exitCode()).as(cniPath + ": " + add).isZero();
            assertThat(add.json().path("ips").path(0).path("address").asText()).isEqualTo("10.100.0.2/24");
            CniCall.Result del = CniCall.del(lab.socket(), "bad-1", pod.path().toString(), "eth0", GOOD)
                    .path(cniPath).run();
            assertThat(del.exitCode()).as(del.toString()).isZero();
        }
        assertThat(marker).as("the planted plugin never ran").doesNotExist();
        assertThat(lab.ports()).isEmpty();
    }

    /** Records the node's and the pod's links and VLANs that every refused call must leave as they are. */
    private void snapshot() {
        nodeBefore = KernelState.host().canonicalDump();
        podBefore = KernelState.in(pod.name()).links().toString();
        assertThat(lab.ports()).isEmpty();
    }

    /**
     * Runs a good ADD changed by {@code change}; it must fail with {@code code} and a message containing
     * {@code msgPart}, and leave node, pod and journal unchanged.
     */
    private CniCall.Result refused(int code, String msgPart, UnaryOperator<CniCall> change) {
        CniCall call = change.apply(CniCall.add(lab.socket(), "bad-1", pod.path().toString(), "eth0", GOOD));
        CniCall.Result r = call.run();
        assertThat(r.exitCode()).as(call.environment() + " " + call.configText() + " -> " + r).isEqualTo(1);
        assertThat(r.errorCode()).as(r.toString()).isEqualTo(code);
        assertThat(r.msg() + " " + r.details()).as(r.toString()).contains(msgPart);
        assertThat(r.json().path("cniVersion").asText()).as(r.toString()).isNotEmpty();
        assertThat(KernelState.in(pod.name()).links().toString()).as("pod after " + r).isEqualTo(podBefore);
        assertThat(KernelState.host().canonicalDump()).as("node after " + r).isEqualTo(nodeBefore);
        assertThat(lab.ports()).as("journal after " + r).isEmpty();
        return r;
    }
}
