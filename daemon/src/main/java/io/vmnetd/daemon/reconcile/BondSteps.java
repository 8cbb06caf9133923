package io.vmnetd.daemon.reconcile;

import io.vmnetd.netlink.BondOption;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkChange;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.Links;
import io.vmnetd.netlink.MacAddress;
import java.util.List;
import java.util.Optional;

/**
 * The steps that change a bond that exists, each as far as the kernel allows on a running bond
 * ({@link BondOption#change()}): in place; with the bond down for a moment; or with its NICs released and enslaved
 * again. None deletes the bond or the bridge: the bond stays the bridge's port, with its VLANs, and VM ports keep
 * their links; only that uplink is down while it lasts.
 */
final class BondSteps {
    private BondSteps() {}

    /** Options the kernel changes on a running bond. */
    record SetOptions(String bond, BondTarget target, List<BondOption> options) implements Step {
        public SetOptions {
            options = List.copyOf(options);
        }

        public String kind() {
            return "bond_options";
        }

        public String describe() {
            return "set " + target.describe(options) + " on bond " + bond;
        }

        public void apply(StepContext c) {
            change(c.host().links(), bond, target, options);
        }
    }

    /** Options the kernel changes only on a bond that is down (lacp_rate, ad_select): down, change, up. */
    record RestartBond(String bond, BondTarget target, List<BondOption> options) implements Step {
        public RestartBond {
            options = List.copyOf(options);
        }

        public String kind() {
            return "bond_options";
        }

        public String describe() {
            return "set " + target.describe(options) + " on bond " + bond + ": the kernel takes "
                    + names(options, BondOption.Change.BOND_DOWN) + " only on a bond that is down, so " + bond
                    + " goes down and up again (its traffic stops for that moment; the bridge and its ports stay)";
        }

        public void apply(StepContext c) {
            Links links = c.host().links();
            links.setDown(bond);
            try {
                change(links, bond, target, options);
            } finally {
                links.setUp(bond);
            }
        }
    }

    /**
     * Options the kernel changes only on a bond without slaves (the mode): the NICs are released, the bond changed
     * while down and empty, the NICs enslaved again and the bond brought up; its MAC set again when one is
     * configured, as a bond that loses its last slave takes a random one.
     */
    record ReenslaveBond(String bond, List<String> nics, BondTarget target, List<BondOption> options,
                         LinkKind.Bond from) implements Step {
        public ReenslaveBond {
            nics = List.copyOf(nics);
            options = List.copyOf(options);
        }

        public String kind() {
            return "bond_options";
        }

        public String describe() {
            String changes = options.stream().map(o -> o == BondOption.MODE
                    ? "mode " + from.mode().kernelName() + " -> " + target.mode().kernelName()
                    : target.describe(List.of(o))).collect(java.util.stream.Collectors.joining(", "));
            return "set " + changes + " on bond " + bond + ": the kernel takes "
                    + names(options, BondOption.Change.WITHOUT_SLAVES) + " only on a bond without slaves, so "
                    + String.join(", ", nics) + " are released and enslaved again (" + bond
                    + " carries no traffic meanwhile; the bridge, its VLANs and ports stay)";
        }

        public void apply(StepContext c) {
            Links links = c.host().links();
            Link link = links.get(bond);
            for (Link slave : links.list()) {
                if (slave.masterIndex() == link.index()) {
                    links.change(slave, LinkChange.create().noMaster());
                }
            }
            links.setDown(bond);
            change(links, bond, target, options);
            int index = links.get(bond).index();
            for (String nic : nics) {
                // The driver refuses a slave that is up; a released one is down already.
                links.change(nic, LinkChange.create().down());
                links.change(nic, LinkChange.create().master(index));
                links.change(nic, LinkChange.create().up());
            }
            links.setUp(bond);
            Optional<MacAddress> mac = target.tuning().hardwareAddr();
            if (mac.isPresent() && !links.get(bond).mac().equals(mac)) {
                links.setMac(bond, mac.get());
            }
        }
    }

    /** The bond's MAC as configured (uplink.hardwareAddr); its NICs follow in the modes that share one. */
    record SetMac(String bond, MacAddress mac) implements Step {
        public String kind() {
            return "bond_mac";
        }

        public String describe() {
            return "set address " + mac + " on bond " + bond;
        }

        public void apply(StepContext c) {
            c.host().links().setMac(bond, mac);
        }
    }

    /** Sends exactly {@code options}, taken from the target, whatever else the bond has. */
    private static void change(Links links, String bond, BondTarget target, List<BondOption> options) {
        Link link = links.get(bond);
        LinkKind.Bond now = link.kindAs(LinkKind.Bond.class)
                .orElseThrow(() -> new IllegalStateException(bond + " is no longer a bond"));
        links.update(link, BondOption.merge(now, target.kind(links::find), options));
    }

    private static String names(List<BondOption> options, BondOption.Change change) {
        return String.join(", ", options.stream().filter(o -> o.change() == change).map(BondOption::kernelName)
                .toList());
    }
}
