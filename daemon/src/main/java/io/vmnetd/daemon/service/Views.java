package io.vmnetd.daemon.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.DesiredState;
import io.vmnetd.daemon.model.HostVlan;
import io.vmnetd.daemon.model.LeaseState;
import io.vmnetd.daemon.model.LeasedAddress;
import io.vmnetd.daemon.model.VmNetworkVlans;
import io.vmnetd.daemon.probe.Connectivity;
import io.vmnetd.daemon.reconcile.KernelView;
import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.PortVlans;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The JSON shapes of the read-only API: plain records Jackson serialises as they are. */
final class Views {
    private Views() {}

    /** POST /v1/networks/NAME/check: the check's fields, and for a VM network its connectivity from this node. */
    record CheckView(@JsonUnwrapped NetworkCheck.Result check,
                     @JsonInclude(JsonInclude.Include.NON_NULL) ConnectivityView connectivity) {}

    record VmNetworkView(String name, String type, Integer vlan, String trunk, String portVlans,
                         ConnectivityView connectivity) {}

    /** A VM network's connectivity from this node; absent values are null. */
    record ConnectivityView(String state, String checkedAt, Long durationMs, String cidr, String gateway,
                            String reason) {}

    record NetworkView(String name, boolean managed, String bridge, String bond, List<String> nics, Integer mtu,
                       String uplinkVids, String status, List<String> problems, List<VmNetworkView> vmNetworks,
                       int ports, List<HostNetworkView> hostNetworks) {}

    /** A host network: its interface and addressing; a DHCP one's {@code lease} is null while none is held. */
    record HostNetworkView(String name, String ifName, int vlan, String mode, String address, String gateway,
                           List<String> routes, LeaseView lease) {}

    record LeaseView(String address, String router, String server, String boundAt, String renewAt, String expiresAt) {}

    record PortView(String containerId, String ifName, String netns, String vmNetwork, String clusterNetwork,
                    String hostIfName, String mac, String vlans, boolean isolated, List<String> addresses,
                    String state, String created) {}

    record VlanView(String vids, boolean pvid, boolean untagged) {}

    record LinkView(int index, String name, String kind, int mtu, boolean up, String operState, String master,
                    String mac, List<VlanView> vlans) {}

    static ConnectivityView connectivity(Connectivity c) {
        return new ConnectivityView(c.state().apiName(), c.checkedAt().map(Object::toString).orElse(null),
                c.checkedAt().isPresent() ? c.duration().toMillis() : null, c.cidr().orElse(null),
                c.gateway().orElse(null), c.reason().orElse(null));
    }

    static List<NetworkView> networks(Config config, DesiredState desired, KernelView view,
                                      Map<String, List<String>> problems, Function<VmNetwork, Connectivity> connectivity,
                                      Map<String, LeaseState> leases) {
        List<NetworkView> out = new ArrayList<>();
        for (DesiredNetwork n : desired.networks().values()) {
            List<String> p = problems.getOrDefault(n.name(), List.of());
            Integer mtu = n.mtu().isPresent() ? Integer.valueOf(n.mtu().getAsInt())
                    : view.link(n.bridge()).map(Link::mtu).orElse(null);
            List<VmNetworkView> vms = new ArrayList<>();
            for (VmNetwork vm : config.vmNetworksOf(n.name())) {
                vms.add(new VmNetworkView(vm.name(), vm.type().name(),
                        vm.vlan().isPresent() ? vm.vlan().getAsInt() : null,
                        vm.trunk().isEmpty() ? null : io.vmnetd.netlink.VidSet.of(vm.trunk()).toString(),
                        VmNetworkVlans.portVlans(vm).toString(), connectivity(connectivity.apply(vm))));
            }
            out.add(new NetworkView(n.name(), n.managed(), n.bridge(), n.uplink(), n.nics(), mtu,
                    n.uplinkVids().toString(), p.isEmpty() ? "ok" : "degraded", p, vms, n.ports().size(),
                    hostNetworks(n, leases)));
        }
        return out;
    }

    private static List<HostNetworkView> hostNetworks(DesiredNetwork n, Map<String, LeaseState> leases) {
        List<HostNetworkView> out = new ArrayList<>();
        for (HostVlan h : n.hostVlans()) {
            LeaseView lease = leases.get(h.name()) instanceof LeaseState.Bound b && h.dhcp() ? lease(b.lease()) : null;
            out.add(new HostNetworkView(h.name(), h.ifName(), h.vid(), h.dhcp() ? "dhcp" : "static",
                    h.address().map(Object::toString).orElse(null),
                    h.gateway().map(InetAddress::getHostAddress).orElse(null),
                    h.routes().stream().map(Object::toString).toList(), lease));
        }
        return out;
    }

    private static LeaseView lease(LeasedAddress l) {
        return new LeaseView(l.address().toString(), l.router().map(InetAddress::getHostAddress).orElse(null),
                l.server().map(InetAddress::getHostAddress).orElse(null), text(l.boundAt()), text(l.renewAt()),
                text(l.expiresAt()));
    }

    private static String text(Optional<java.time.Instant> at) {
        return at.map(Object::toString).orElse(null);
    }

    static List<PortView> ports(List<Attachment> attachments) {
        List<PortView> out = new ArrayList<>();
        attachments.stream().sorted(Comparator.comparing(Attachment::created)).forEach(a -> out.add(new PortView(
                a.key().containerId(), a.key().ifName(), a.port().pod().netns().toString(), a.vmNetwork().orElse(null),
                a.clusterNetwork(), a.hostIfName(), a.port().pod().mac().toString(), a.port().vlans().toString(),
                a.port().isolated(), a.port().pod().addresses().stream().map(Object::toString).toList(),
                a.state().name(), a.created().toString())));
        return out;
    }

    static List<LinkView> links(KernelView view) {
        List<LinkView> out = new ArrayList<>();
        for (Link l : view.links().stream().sorted(Comparator.comparingInt(Link::index)).toList()) {
            String master = l.hasMaster() ? view.link(l.masterIndex()).map(Link::name).orElse("#" + l.masterIndex()) : null;
            Optional<PortVlans> vlans = Optional.ofNullable(view.allVlans().get(l.index()));
            List<VlanView> v = new ArrayList<>();
            vlans.ifPresent(pv -> {
                for (BridgeVlan b : pv.vlans()) {
                    v.add(new VlanView(b.vids().toString(), b.pvid(), b.untagged()));
                }
            });
            String kind = l.kind().kernelName();
            out.add(new LinkView(l.index(), l.name(), kind == null ? "device" : kind, l.mtu(), l.isUp(),
                    l.operState().name(), master, l.mac().map(Object::toString).orElse(null), v));
        }
        return out;
    }
}
