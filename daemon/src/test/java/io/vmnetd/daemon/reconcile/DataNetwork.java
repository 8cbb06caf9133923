package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.daemon.testing.TestPorts;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.VidSet;
import java.util.List;
import java.util.OptionalInt;

/**
 * The managed cluster network most planner tests use: "data", NICs eth1 and eth2 in an active-backup bond
 * data-bo (miimon 100, txqueuelen 1000), bridge data-br, MTU 9000, and two VM ports: vm1 an access port of VLAN
 * 100, vm2 a trunk of 200-299.
 */
final class DataNetwork {
    static final int MTU = 9000;
    static final VmPort VM1 = TestPorts.port("vm1", "pod1", PortVlanSpec.access(100));
    static final VmPort VM2 = TestPorts.port("vm2", "pod2", PortVlanSpec.trunk(VidSet.range(200, 299)));

    static final int ETH1 = 2;
    static final int ETH2 = 3;
    static final int ETH3 = 4;
    static final int BOND = 10;
    static final int BRIDGE = 11;
    static final int VM1_INDEX = 20;
    static final int VM2_INDEX = 21;

    private DataNetwork() {}

    static DesiredNetwork desired() {
        return desired(List.of("eth1", "eth2"), List.of(VM1, VM2));
    }

    static DesiredNetwork desired(List<String> nics, List<VmPort> ports) {
        return new DesiredNetwork("data", true, "data-br", "data-bo", nics, OptionalInt.of(MTU),
                BondMode.ACTIVE_BACKUP, 100, OptionalInt.of(1000), VidSet.parse("100,200-299"), ports);
    }

    /** What the node has before vmnetd ran: the NICs and the CNI-made host ends of the VM ports, nothing else. */
    static TestKernel nicsAndPortsOnly() {
        return new TestKernel()
                .with(TestLink.nic("eth1", ETH1))
                .with(TestLink.nic("eth2", ETH2))
                .with(TestLink.veth("vm1", VM1_INDEX).down())
                .with(TestLink.veth("vm2", VM2_INDEX).down());
    }

    /** Exactly what {@link #desired()} asks for, built by hand. */
    static TestKernel asDesired() {
        return new TestKernel()
                .with(TestLink.nic("eth1", ETH1).mtu(MTU).master("data-bo"))
                .with(TestLink.nic("eth2", ETH2).mtu(MTU).master("data-bo"))
                .with(TestLink.bond("data-bo", BOND, BondMode.ACTIVE_BACKUP, 100).mtu(MTU).txQueueLength(1000)
                        .master("data-br"))
                .with(TestLink.bridge("data-br", BRIDGE).mtu(MTU))
                .with(TestLink.veth("vm1", VM1_INDEX).mtu(MTU).master("data-br"))
                .with(TestLink.veth("vm2", VM2_INDEX).mtu(MTU).master("data-br"))
                .vlans("data-bo", PortVlanSpec.nativeOnly().withTagged(VidSet.parse("100,200-299")))
                .vlans("vm1", VM1.vlans())
                .vlans("vm2", VM2.vlans());
    }
}
