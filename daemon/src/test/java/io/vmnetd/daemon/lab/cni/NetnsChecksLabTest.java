package io.vmnetd.daemon.lab.cni;

import static io.vmnetd.daemon.testing.CniLab.conf;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.testing.CniCall;
import io.vmnetd.daemon.testing.CniLab;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.TestNetns;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CNI_NETNS is whatever a netconf's author or a socket-group member makes it: only a network namespace where pods'
 * namespaces live, not the node's own and not another pod's, is ever entered. Each refusal is a clear error, makes
 * nothing, and leaves no worker stuck: a good ADD right after is served at once.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetnsChecksLabTest {
    @RegisterExtension
    static final CniLab lab = CniLab.of(CniLab.DATA_NETWORKS, "eth1");

    private final String conf = conf("vlan100", "{}");

    @AfterEach
    void cleanPods() {
        lab.cleanPods();
    }

    @Test
    void aFifoIsRefusedAtOnceNeverOpenedForReading() throws Exception {
        Path fifo = Path.of("/run/netns/vmnet-fifo");
        Files.createDirectories(fifo.getParent());
        Shell.check("mkfifo", fifo.toString());
        try {
            long start = System.nanoTime();
            CniCall.Result add = add("fifo-1", fifo.toString());
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(30_000);
            assertRefused(add, "is a FIFO");
        } finally {
            Files.deleteIfExists(fifo);
        }
        assertAGoodAddIsServed();
    }

    @Test
    void aSymlinkToTheNodesNamespaceIsRefused() throws Exception {
        Path link = Path.of("/run/netns/vmnet-link");
        Files.createSymbolicLink(link, Path.of("/proc/1/ns/net"));
        try {
            assertRefused(add("link-1", link.toString()), "is a symbolic link");
        } finally {
            Files.deleteIfExists(link);
        }
        assertAGoodAddIsServed();
    }

    @Test
    void aRegularFileIsRefused() throws Exception {
        Path file = Files.writeString(Path.of("/run/netns/vmnet-file"), "not a namespace");
        try {
            assertRefused(add("file-1", file.toString()), "is a regular file");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void theDaemonsOwnNamespaceIsRefused() {
        String own = "/proc/" + ProcessHandle.current().pid() + "/ns/net";
        assertRefused(add("own-1", own), "the node's own network namespace");
        // "self" is no pid: not followed, so the link is what is found, and refused as such.
        assertRefused(add("self-1", "/proc/self/ns/net"), "is a symbolic link");
    }

    @Test
    void aPathOutsideThePodNamespaceDirectoriesIsRefused() {
        assertRefused(add("tmp-1", "/tmp/netns"), "is not where pod namespaces live");
        assertRefused(add("dots-1", "/run/netns/../netns/x"), "without \".\", \"..\"");
    }

    @Test
    void anotherContainersNamespaceIsRefusedButTheSameContainerMayAddMoreInterfaces() {
        TestNetns pod = lab.pod();
        lab.add("owner-1", pod, conf).orFail();

        CniCall.Result intruder = add("intruder-1", pod.path().toString());
        assertThat(intruder.errorCode()).as(intruder.toString()).isEqualTo(4);
        assertThat(intruder.msg()).contains("another container's attachment");
        assertThat(CniLab.hostVeths()).as("only the owner's port").hasSize(1);
        assertThat(lab.ports()).hasSize(1);

        CniCall.Result second = lab.add(CniCall.add(lab.socket(), "owner-1", pod.path().toString(), "net2", conf));
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(KernelState.in(pod.name()).linkNames()).contains("eth0", "net2");
    }

    private CniCall.Result add(String containerId, String netns) {
        return lab.add(CniCall.add(lab.socket(), containerId, netns, "eth0", conf));
    }

    private static void assertRefused(CniCall.Result add, String why) {
        assertThat(add.errorCode()).as(add.toString()).isEqualTo(4);
        assertThat(add.msg()).startsWith("CNI_NETNS:").contains(why);
        assertThat(CniLab.hostVeths()).as("nothing made").isEmpty();
        assertThat(lab.ports()).as("nothing journaled").isEmpty();
    }

    private void assertAGoodAddIsServed() {
        TestNetns pod = lab.pod();
        long start = System.nanoTime();
        lab.add("good-" + pod.name(), pod, conf).orFail();
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms for the next ADD").isLessThan(30_000);
    }
}
