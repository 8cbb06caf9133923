package io.vmnetd.daemon.lab.cni;

import static io.vmnetd.daemon.testing.CniLab.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.Invariants;
import io.vmnetd.daemon.testing.SwitchHost;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stock container runtime: Debian's podman on its CNI backend with its default plugin directories (so CNI_PATH
 * names directories vmnetd does not run plugins from), the shim installed as the README says, a conflist of vmnet
 * with host-local IPAM and the reference tuning plugin chained after it. The container reaches a host on its VLAN;
 * {@code podman rm -f} leaves no port, attachment or lease.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodmanLabTest {
    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS, "eth1");

    private Path dir;
    private Path leases;
    private SwitchHost host100;

    @BeforeAll
    void setUp() throws IOException {
        SwitchHost.trunkAll(lab.topology(), "eth1");
        host100 = SwitchHost.attach(lab.topology(), "h-podman", 100, "10.100.0.1/24");
        dir = Files.createDirectories(Path.of("/var/tmp/vmnetd-podman-lab"));
        leases = dir.resolve("ipam");
        // The lab's root is a throwaway overlay: the shim goes where the README installs it.
        Files.createDirectories(Path.of("/opt/cni/bin"));
        Shell.check("install", "-m", "0755", Path.of("cni-shim/target/vmnet").toAbsolutePath().toString(),
                "/opt/cni/bin/vmnet");
        Files.createDirectories(dir.resolve("net.d"));
        Files.writeString(dir.resolve("containers.conf"), """
                [network]
                network_backend = "cni"
                network_config_dir = "%s"
                [engine]
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                runtime = "crun"
                """.formatted(dir.resolve("net.d")));
        Files.writeString(dir.resolve("storage.conf"), """
                [storage]
                driver = "vfs"
                graphroot = "%s"
                runroot = "/run/vmnetd-podman-lab"
                """.formatted(dir.resolve("storage")));
        Files.writeString(dir.resolve("net.d").resolve("vlan100.conflist"), """
                {"cniVersion": "0.4.0", "name": "vlan100", "plugins": [
                  {"type": "vmnet", "network": "vlan100",
                   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.100.0.0/24", "rangeStart": "10.100.0.50"}]],
                            "dataDir": "%s"}},
                  {"type": "tuning", "sysctl": {"net.ipv4.conf.eth0.arp_notify": "1"}}
                ]}
                """.formatted(leases));
        importBusybox();
    }

    @AfterAll
    void tearDown() {
        if (host100 != null) {
            host100.close();
        }
        Shell.run("rm", "-rf", dir.toString(), "/run/vmnetd-podman-lab");
    }

    @Test
    void aContainerOnVlan100ReachesItsHostAndRmRemovesEverything() {
        Shell.Result run = podman("run", "-d", "--name", "vmnet-c1", "--network", "vlan100", "--pull", "never",
                "localhost/vmnetd-bb", "sleep", "1000");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(CniLab.hostVeths()).hasSize(1);
        assertThat(lab.ports()).hasSize(1);
        assertThat(Invariants.leaseHolders(leases.resolve("vlan100"))).hasSize(1);
        assertThat(podman("exec", "vmnet-c1", "cat", "/proc/sys/net/ipv4/conf/eth0/arp_notify").stdout().strip())
                .as("the tuning plugin chained after vmnet ran").isEqualTo("1");

        assertThat(eventually(20_000, () -> podman("exec", "vmnet-c1", "ping", "-c", "1", "-W", "2",
                host100.address()).exitCode() == 0)).as("the container reaches 10.100.0.1 on VLAN 100").isTrue();

        Shell.Result rm = podman("rm", "-f", "-t", "0", "vmnet-c1");
        assertThat(rm.exitCode()).as(rm.toString()).isZero();
        assertThat(CniLab.hostVeths()).as("host veths").isEmpty();
        assertThat(lab.ports()).as("attachments").isEmpty();
        assertThat(Invariants.leaseHolders(leases.resolve("vlan100"))).as("leases").isEmpty();
    }

    private Shell.Result podman(String... args) {
        List<String> command = new ArrayList<>(List.of("env", "CONTAINERS_CONF=" + dir.resolve("containers.conf"),
                "CONTAINERS_STORAGE_CONF=" + dir.resolve("storage.conf"), "VMNETD_SOCKET=" + lab.socket(), "podman"));
        command.addAll(List.of(args));
        return Shell.run(command);
    }

    /** A local image: busybox and its applets, imported (no registry is reachable). */
    private void importBusybox() throws IOException {
        Path root = Files.createDirectories(dir.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), root.resolve("busybox"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Shell.check("chmod", "0755", root.resolve("busybox").toString());
        for (String applet : List.of("sh", "sleep", "ping", "cat", "ip")) {
            Path link = root.resolve(applet);
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, Path.of("busybox"));
            }
        }
        Shell.check("sh", "-c", "tar -C " + dir.resolve("rootfs") + " -c . | env CONTAINERS_CONF="
                + dir.resolve("containers.conf") + " CONTAINERS_STORAGE_CONF=" + dir.resolve("storage.conf")
                + " podman import - localhost/vmnetd-bb");
    }
}
