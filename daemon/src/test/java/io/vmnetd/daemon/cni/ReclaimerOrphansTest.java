package io.vmnetd.daemon.cni;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.metrics.Metrics;
import io.vmnetd.daemon.state.AttachmentJournal;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.OperState;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Orphan host ends (no entry describes them) go together; one that cannot be deleted is logged and not counted. */
class ReclaimerOrphansTest {
    @TempDir
    Path state;

    private static Link veth(int index, String name) {
        return new Link(index, name, new LinkKind.Veth(), 0, 1500, 68, 65535, 1000, Optional.empty(),
                OperState.DOWN, 0, 0, Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    @Test
    void everyOrphanIsTriedTheOnesDeletedAreCountedAndOtherLinksAreLeftAlone() throws Exception {
        AttachmentJournal journal = AttachmentJournal.open(state);
        FakeNetworks networks = new FakeNetworks(Config.defaults());
        networks.links.add(veth(2, "eth0"));
        for (int i = 0; i < 3; i++) {
            networks.links.add(veth(10 + i, HostNames.PREFIX + "orphan" + i));
        }
        networks.undeletable.add(HostNames.PREFIX + "orphan1");
        Metrics metrics = new Metrics();
        Ipam ipam = new Ipam(() -> networks.config().cni());

        int reclaimed = new Reclaimer(networks, journal, new Teardown(networks, journal, ipam), new KeyLocks(),
                metrics).sweep();

        assertThat(reclaimed).isEqualTo(2);
        assertThat(networks.calls).containsExactlyInAnyOrder("removeLink " + HostNames.PREFIX + "orphan0",
                "removeLink " + HostNames.PREFIX + "orphan1", "removeLink " + HostNames.PREFIX + "orphan2");
        assertThat(metrics.scrape()).containsPattern("reason=\"orphan_link\",?\\} 2\\.0");
    }
}
