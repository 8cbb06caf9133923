package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.BondTuning;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.daemon.model.VlanDiff;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BondOption;
import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkChange;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.Links;
import io.vmnetd.netlink.VidSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The changes the planner can ask for. Steps name links, not indexes: a link made by one step is found by the
 * next at apply time.
 */
final class Steps {
    private Steps() {}

    /** A bond with all its settings and MAC in one message; a primary NIC is named to the kernel by its index. */
    record CreateBond(String name, BondMode mode, int miimon, int mtu, OptionalInt txQueueLength, BondTuning tuning)
            implements Step {
        /** A bond with the kernel's default options. */
        CreateBond(String name, BondMode mode, int miimon, int mtu, OptionalInt txQueueLength) {
            this(name, mode, miimon, mtu, txQueueLength, BondTuning.DEFAULTS);
        }

        public String kind() {
            return "bond_missing";
        }

        public String describe() {
            // The options that are not the kernel's defaults (mode and miimon are said anyway).
            List<BondOption> set = BondOption.differing(new LinkKind.Bond(mode, miimon), tuning.kind(mode, miimon, 0),
                    false);
            String options = set.isEmpty() ? "" : ", " + new BondTarget(mode, miimon, tuning).describe(set);
            return "create bond " + name + " (" + mode + ", miimon " + miimon + options
                    + tuning.primary().map(p -> ", primary " + p).orElse("") + ", mtu " + mtu
                    + txQueueLength.stream().mapToObj(q -> ", txqueuelen " + q).findFirst().orElse("")
                    + tuning.hardwareAddr().map(m -> ", address " + m).orElse("") + ")";
        }

        public void apply(StepContext c) {
            Links links = c.host().links();
            LinkSpec spec = LinkSpec.bond(name, new BondTarget(mode, miimon, tuning).kind(links::find)).mtu(mtu).up();
            txQueueLength.ifPresent(spec::txQueueLength);
            tuning.hardwareAddr().ifPresent(spec::mac);
            links.create(spec);
        }
    }

    /** The bond driver refuses a slave that is up, so the NIC goes down, joins and comes back up. */
    record EnslaveNic(String nic, String bond) implements Step {
        public String kind() {
            return "nic_released";
        }

        public String describe() {
            return "enslave " + nic + " to " + bond;
        }

        public void apply(StepContext c) {
            Links links = c.host().links();
            int nicIndex = c.index(nic);
            links.change(nicIndex, nic, LinkChange.create().down());
            links.change(nicIndex, nic, LinkChange.create().master(c.index(bond)));
            links.change(nicIndex, nic, LinkChange.create().up());
        }
    }

    record ReleaseNic(String nic, String bond) implements Step {
        public String kind() {
            return "nic_removed";
        }

        public String describe() {
            return "release " + nic + " from " + bond;
        }

        public void apply(StepContext c) {
            c.host().links().change(c.index(nic), nic, LinkChange.create().noMaster().up());
        }
    }

    record CreateBridge(String name, int mtu) implements Step {
        public String kind() {
            return "bridge_missing";
        }

        public String describe() {
            return "create bridge " + name + " (vlan_filtering 1, default_pvid 0, mtu " + mtu + ")";
        }

        public void apply(StepContext c) {
            c.host().links().create(LinkSpec.bridge(name, true, Planner.MANAGED_DEFAULT_PVID).mtu(mtu).up());
        }
    }

    record EnableVlanFiltering(String bridge) implements Step {
        public String kind() {
            return "vlan_filtering";
        }

        public String describe() {
            return "set vlan_filtering 1, default_pvid 0 on " + bridge;
        }

        public void apply(StepContext c) {
            Link link = c.host().links().get(bridge);
            c.host().links().update(link, new LinkKind.Bridge(true, Planner.MANAGED_DEFAULT_PVID));
        }
    }

    record SetMaster(String link, String master) implements Step {
        public String kind() {
            return "master";
        }

        public String describe() {
            return "attach " + link + " to " + master;
        }

        public void apply(StepContext c) {
            c.host().links().change(c.index(link), link, LinkChange.create().master(c.index(master)));
        }
    }

    record SetPortVlans(String port, VlanDiff diff) implements Step {
        public String kind() {
            return "vlans";
        }

        public String describe() {
            StringBuilder s = new StringBuilder("set VLANs of ").append(port).append(':');
            if (!diff.add().isEmpty()) {
                s.append(" add ").append(diff.add().stream().map(BridgeVlan::toString).collect(Collectors.joining(", ")));
            }
            if (!diff.delete().isEmpty()) {
                s.append(diff.add().isEmpty() ? "" : ";").append(" delete ").append(VidSet.of(diff.delete()));
            }
            return s.toString();
        }

        public void apply(StepContext c) {
            int index = c.index(port);
            c.host().bridgeVlans().add(index, false, diff.add());
            c.host().bridgeVlans().delete(index, false, diff.delete());
        }
    }

    record SetMtu(String link, int mtu) implements Step {
        public String kind() {
            return "mtu";
        }

        public String describe() {
            return "set mtu " + mtu + " on " + link;
        }

        public void apply(StepContext c) {
            c.host().links().change(c.index(link), link, LinkChange.create().mtu(mtu));
        }
    }

    record SetTxQueueLength(String link, int length) implements Step {
        public String kind() {
            return "txqueuelen";
        }

        public String describe() {
            return "set txqueuelen " + length + " on " + link;
        }

        public void apply(StepContext c) {
            c.host().links().change(c.index(link), link, LinkChange.create().txQueueLength(length));
        }
    }

    record SetUp(String link) implements Step {
        public String kind() {
            return "down";
        }

        public String describe() {
            return "set " + link + " up";
        }

        public void apply(StepContext c) {
            c.host().links().change(c.index(link), link, LinkChange.create().up());
        }
    }

    record DeleteLink(String link, String why) implements Step {
        public String kind() {
            return "removed";
        }

        public String describe() {
            return "delete " + link + " (" + why + ")";
        }

        public void apply(StepContext c) {
            c.host().links().deleteIfExists(link);
            c.gone(link);
        }
    }

    static String describeAll(List<Step> steps) {
        return steps.stream().map(Step::describe).collect(Collectors.joining("\n"));
    }
}
