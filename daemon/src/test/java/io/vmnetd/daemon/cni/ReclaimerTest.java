package io.vmnetd.daemon.cni;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.metrics.Metrics;
import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.daemon.state.AttachmentJournal;
import io.vmnetd.daemon.state.AttachmentKey;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.testing.TestNetns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reclaimer's decisions, with the real journal, the real host-local IPAM plugin and real namespaces (no VLANs
 * needed), the kernel's bridge side faked: what goes, what stays, and that a lease goes with its attachment.
 */
class ReclaimerTest {
    @TempDir
    Path state;

    private Attachment attachment(String id, Path netns, NetNs.Identity ns, Path leases) {
        AttachmentKey key = new AttachmentKey(id, "eth0");
        VmPort port = new VmPort(HostNames.of(key), new PodEnd(netns, ns, "eth0", MacAddress.randomLocal(), List.of(),
                List.of()), PortVlanSpec.access(100), false, false, Attachment.owner(key));
        String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"vlan100\",\"type\":\"vmnet\",\"network\":\"vlan100\","
                + "\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"10.100.0.0/24\"}]],\"dataDir\":\""
                + leases + "\"}}";
        return new Attachment(key, Optional.of("vlan100"), "data", port, "1.0.0", conf, Optional.empty(),
                Attachment.State.READY, Instant.now());
    }

    @Test
    void anAttachmentWhosePodNamespaceIsGoneIsTornDownWithItsLeaseOneWhosePodLivesStays() throws Exception {
        Path leases = state.resolve("ipam");
        AttachmentJournal journal = AttachmentJournal.open(state);
        FakeNetworks networks = new FakeNetworks(Config.defaults());
        Ipam ipam = new Ipam(() -> networks.config().cni());
        try (TestNetns alive = TestNetns.create(); TestNetns doomed = TestNetns.create();
             NetNs aliveNs = NetNs.open(alive.path()); NetNs doomedNs = NetNs.open(doomed.path())) {
            Attachment a = attachment("alive", alive.path(), aliveNs.identity(), leases);
            Attachment d = attachment("doomed", doomed.path(), doomedNs.identity(), leases);
            for (Attachment x : List.of(a, d)) {
                ipam.add(NetConf.parse(x.netconf()), new IpamCall(x.key(), x.port().pod().netns().toString(), "", ""));
                journal.put(x);
            }
            assertThat(leaseFiles(leases)).isEqualTo(2);
            doomed.close();

            int reclaimed = new Reclaimer(networks, journal, new Teardown(networks, journal, ipam), new KeyLocks(),
                    new Metrics()).sweep();

            assertThat(reclaimed).isEqualTo(1);
            assertThat(journal.all()).extracting(Attachment::key).containsExactly(a.key());
            assertThat(networks.calls).containsExactly("remove " + d.hostIfName());
            assertThat(leaseFiles(leases)).isEqualTo(1);
        }
    }

    private static long leaseFiles(Path leases) throws Exception {
        Path dir = leases.resolve("vlan100");
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("[0-9.]+")).count();
        }
    }
}
