package io.vmnetd.daemon.cni;

import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.daemon.config.VmNetworkType;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.daemon.model.VmNetworkVlans;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.VidSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Finds the cluster network, bridge, MTU and port VLANs a network configuration asks for, or says why not. */
final class NetworkResolver {
    /** What an attachment will be: which bridge, which VLANs, which MTU. */
    record Resolved(String clusterNetwork, String bridge, Optional<String> vmNetwork, PortVlanSpec vlans, int mtu) {}

    private NetworkResolver() {}

    /**
     * @param bridges a bridge as the kernel has it now, empty if absent: an adopted network's MTU, and the default
     *     VLAN a port of it may keep (preserveDefaultVlan)
     */
    static Resolved resolve(NetConf conf, Config config, Function<String, Optional<Link>> bridges) throws CniError {
        if (conf.vlan().isPresent() && !conf.vlanTrunk().isEmpty()) {
            throw NetConf.invalid("vlanTrunk", "cannot be combined with vlan; use one of them");
        }
        Resolved r;
        if (conf.network().isPresent()) {
            r = fromVmNetwork(conf, config, bridges);
        } else if (conf.bridge().isPresent()) {
            r = fromBridge(conf, config, bridges);
        } else {
            throw NetConf.invalid("network", "is required: the name of a VM network of vmnetd's config ("
                    + names(config) + "), or give bridge: the bridge of a cluster network");
        }
        if (conf.mtu().isPresent() && conf.mtu().getAsInt() != r.mtu()) {
            throw NetConf.invalid("mtu", conf.mtu().getAsInt() + " differs from the MTU of cluster network "
                    + r.clusterNetwork() + " (" + r.mtu() + "); VM ports inherit it: remove mtu or set it to " + r.mtu());
        }
        return r;
    }

    private static Resolved fromVmNetwork(NetConf conf, Config config, Function<String, Optional<Link>> bridges)
            throws CniError {
        String name = conf.network().get();
        VmNetwork vm = config.vmNetwork(name).orElseThrow(() -> NetConf.invalid("network",
                "\"" + name + "\" is not a VM network of vmnetd's config; configured: " + names(config)));
        String bridge = ClusterNetwork.bridgeName(vm.clusterNetwork());
        if (conf.bridge().isPresent() && !conf.bridge().get().equals(bridge)) {
            throw NetConf.invalid("bridge", conf.bridge().get() + " disagrees with network " + name
                    + ", which is on " + bridge);
        }
        if (conf.vlan().isPresent() && (vm.type() != VmNetworkType.L2VlanNetwork
                || vm.vlan().getAsInt() != conf.vlan().getAsInt())) {
            throw NetConf.invalid("vlan", conf.vlan().getAsInt() + " disagrees with network " + name + " ("
                    + VmNetworkVlans.portVlans(vm) + ")");
        }
        if (!conf.vlanTrunk().isEmpty() && (vm.type() != VmNetworkType.L2VlanTrunkNetwork
                || !VidSet.of(conf.vlanTrunk()).equals(VidSet.of(vm.trunk())))) {
            throw NetConf.invalid("vlanTrunk", VidSet.of(conf.vlanTrunk()) + " disagrees with network " + name
                    + " (" + VmNetworkVlans.portVlans(vm) + ")");
        }
        PortVlanSpec vlans = preserveDefault(VmNetworkVlans.portVlans(vm), conf.preserveDefaultVlan(), bridge, bridges);
        return new Resolved(vm.clusterNetwork(), bridge, Optional.of(name), vlans, mtu(vm.clusterNetwork(), config, bridges));
    }

    private static Resolved fromBridge(NetConf conf, Config config, Function<String, Optional<Link>> bridges)
            throws CniError {
        String bridge = conf.bridge().get();
        List<String> known = new ArrayList<>();
        for (ClusterNetwork cn : config.clusterNetworks()) {
            known.add(cn.bridgeName());
        }
        known.add(ClusterNetwork.bridgeName(ClusterNetwork.MGMT));
        if (!known.contains(bridge)) {
            throw NetConf.invalid("bridge", bridge + " is not the bridge of a cluster network; known: "
                    + String.join(", ", known));
        }
        String cn = bridge.substring(0, bridge.length() - "-br".length());
        PortVlanSpec vlans;
        if (conf.vlan().isPresent()) {
            vlans = PortVlanSpec.access(conf.vlan().getAsInt());
        } else if (!conf.vlanTrunk().isEmpty()) {
            vlans = PortVlanSpec.trunk(VidSet.of(conf.vlanTrunk()));
        } else {
            vlans = PortVlanSpec.nativeOnly();
        }
        Optional<String> vm = config.vmNetworksOf(cn).stream()
                .filter(n -> VmNetworkVlans.portVlans(n).equals(PortVlanSpec.access(conf.vlan().orElse(1))) && conf.vlan().isPresent())
                .map(VmNetwork::name).findFirst();
        return new Resolved(cn, bridge, vm, preserveDefault(vlans, conf.preserveDefaultVlan(), bridge, bridges),
                mtu(cn, config, bridges));
    }

    /**
     * preserveDefaultVlan keeps on the port the VLAN its bridge gives every joining port (its default PVID), as the
     * reference plugin leaves it there: an access port keeps it untagged beside its own PVID, a trunk keeps it as
     * PVID. vmnetd's own bridges give none (default PVID 0), so there it changes nothing, like the reference plugin.
     */
    private static PortVlanSpec preserveDefault(PortVlanSpec vlans, boolean preserve, String bridge,
                                                Function<String, Optional<Link>> bridges) {
        int defaultVid = bridges.apply(bridge).flatMap(l -> l.kindAs(LinkKind.Bridge.class))
                .map(LinkKind.Bridge::defaultPvid).orElse(0);
        if (!preserve || defaultVid == 0 || vlans.vids().contains(defaultVid)) {
            return vlans;
        }
        VidSet kept = VidSet.of(defaultVid);
        return vlans.pvid().isPresent()
                ? new PortVlanSpec(vlans.vids().union(kept), vlans.pvid(), vlans.untagged().union(kept))
                : new PortVlanSpec(vlans.vids().union(kept), OptionalInt.of(defaultVid), vlans.untagged().union(kept));
    }

    private static int mtu(String cn, Config config, Function<String, Optional<Link>> bridges) throws CniError {
        Optional<ClusterNetwork> declared = config.clusterNetwork(cn);
        if (declared.isPresent()) {
            return declared.get().mtu();
        }
        OptionalInt adopted = bridges.apply(ClusterNetwork.bridgeName(cn)).map(l -> OptionalInt.of(l.mtu()))
                .orElse(OptionalInt.empty());
        if (adopted.isEmpty()) {
            throw new CniError(CniError.TRY_AGAIN_LATER, ClusterNetwork.bridgeName(cn) + " does not exist (yet)",
                    "cluster network " + cn + " is adopted from the node; vmnetd waits for its bridge");
        }
        return adopted.getAsInt();
    }

    private static String names(Config config) {
        String s = config.vmNetworks().stream().map(VmNetwork::name).collect(Collectors.joining(", "));
        return s.isEmpty() ? "none" : s;
    }
}
