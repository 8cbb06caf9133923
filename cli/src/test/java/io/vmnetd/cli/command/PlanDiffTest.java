package io.vmnetd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.cli.output.Terminal;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanDiffTest {
    @Test
    void plannerLinesBecomeADiffPerNetwork() {
        List<Object> plan = List.of(
                "data: create bond data-bo (active-backup, miimon 100, mtu 9000)",
                "data: enslave eth1 to data-bo",
                "data: create bridge data-br (vlan_filtering 1, default_pvid 1, mtu 9000)",
                "data: set VLANs of data-bo: add 100, 200-299; delete 42",
                "data: set mtu 9000 on data-br",
                "data: cannot: NIC eth9 does not exist",
                "storage: delete storage-br (no longer configured)",
                "storage: release eth3 from storage-bo");
        assertThat(PlanDiff.render(PlanDiff.parse(plan), Terminal.PLAIN)).isEqualTo(""
                + "data:\n"
                + "  + create bond data-bo (active-backup, miimon 100, mtu 9000)\n"
                + "  + enslave eth1 to data-bo\n"
                + "  + create bridge data-br (vlan_filtering 1, default_pvid 1, mtu 9000)\n"
                + "  + VLANs on data-bo: 100, 200-299\n"
                + "  - VLANs on data-bo: 42\n"
                + "  ~ set mtu 9000 on data-br\n"
                + "  ! NIC eth9 does not exist\n"
                + "storage:\n"
                + "  - delete storage-br (no longer configured)\n"
                + "  - release eth3 from storage-bo\n");
    }
}
