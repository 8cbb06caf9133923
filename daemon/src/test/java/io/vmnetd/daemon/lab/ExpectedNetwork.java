package io.vmnetd.daemon.lab;

import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.netlink.testing.VlanMembership;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A declared cluster network as iproute2 should show it: compared against a {@link KernelState}, lists what differs. */
record ExpectedNetwork(String name, int mtu, String bondMode, int miimon, String uplinkVids, List<String> nics) {
    static final ExpectedNetwork DATA =
            new ExpectedNetwork("data", 9000, "active-backup", 100, NodeConfigs.DATA_UPLINK_VIDS, List.of("eth1", "eth2"));
    static final ExpectedNetwork STORAGE =
            new ExpectedNetwork("storage", 1500, "balance-rr", 50, NodeConfigs.STORAGE_UPLINK_VIDS, List.of("eth3", "eth4"));

    String bridge() {
        return name + "-br";
    }

    String bond() {
        return name + "-bo";
    }

    /** Everything that differs, in words; empty when the kernel shows the network exactly as declared. */
    List<String> differences(KernelState k) {
        List<String> wrong = new ArrayList<>();
        if (!k.kind(bridge()).equals(Optional.of("bridge"))) {
            wrong.add(bridge() + " is " + k.kind(bridge()).orElse(k.exists(bridge()) ? "no bridge" : "missing"));
        }
        if (!k.kind(bond()).equals(Optional.of("bond"))) {
            wrong.add(bond() + " is " + k.kind(bond()).orElse(k.exists(bond()) ? "no bond" : "missing"));
        }
        if (!wrong.isEmpty()) {
            return wrong;
        }
        expect(wrong, bridge() + " vlan_filtering", k.vlanFiltering(bridge()), 1);
        expect(wrong, bond() + " mode", k.bondMode(bond()), bondMode);
        expect(wrong, bond() + " miimon", k.miimon(bond()), miimon);
        expect(wrong, bond() + " master", k.master(bond()).orElse("none"), bridge());
        expect(wrong, "ports of " + bridge(), k.portsOf(bridge()), List.of(bond()));
        expect(wrong, bond() + " VLANs", k.bridgeVlans(bond()), VlanMembership.of(uplinkVids, "1", 1));
        expect(wrong, "slaves of " + bond(), k.portsOf(bond()).stream().sorted().toList(),
                nics.stream().sorted().toList());
        List<String> devs = new ArrayList<>(List.of(bridge(), bond()));
        devs.addAll(nics);
        for (String dev : devs) {
            if (!k.exists(dev)) {
                wrong.add(dev + " is missing");
                continue;
            }
            expect(wrong, dev + " mtu", k.mtu(dev), mtu);
            expect(wrong, dev + " up", k.isUp(dev), true);
        }
        return wrong;
    }

    /** The network is gone: no bridge, no bond, its NICs free and up. */
    List<String> absentDifferences(KernelState k) {
        List<String> wrong = new ArrayList<>();
        if (k.exists(bridge())) {
            wrong.add(bridge() + " exists");
        }
        if (k.exists(bond())) {
            wrong.add(bond() + " exists");
        }
        for (String nic : nics) {
            k.master(nic).ifPresent(m -> wrong.add(nic + " is a port of " + m));
            if (!k.isUp(nic)) {
                wrong.add(nic + " is down");
            }
        }
        return wrong;
    }

    private static void expect(List<String> wrong, String what, Object actual, Object expected) {
        if (!actual.equals(expected)) {
            wrong.add(what + " is " + actual + ", not " + expected);
        }
    }
}
