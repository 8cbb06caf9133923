package io.vmnetd.daemon.hostnet;

import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.HostNetwork;
import io.vmnetd.daemon.dhcp.DhcpLease;
import io.vmnetd.daemon.dhcp.DhcpSocket;
import io.vmnetd.daemon.dhcp.LeaseKeeper;
import io.vmnetd.daemon.model.LeaseState;
import io.vmnetd.daemon.model.LeasedAddress;
import io.vmnetd.daemon.reconcile.Reason;
import io.vmnetd.daemon.reconcile.Reconciler;
import io.vmnetd.netlink.Address;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.nl.Rtnl;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The DHCP leases of the host networks in {@code mode: dhcp}: one {@link LeaseKeeper} per such network, started when
 * it appears in the config and stopped, its lease released, when it goes or changes (before the new config is
 * applied, so while its interface is still there). Each lease bound or lost becomes the reconciler's and its cluster
 * network is reconciled, which sets or removes the address and the routes through the lease's router. Costs nothing
 * without DHCP host networks.
 */
public final class HostLeases implements AutoCloseable {
    private final Reconciler reconciler;
    private final RtNetlink host;
    private final Map<String, Running> running = new HashMap<>();
    private final Map<String, LeaseState> states = new LinkedHashMap<>();

    private record Running(HostNetwork network, LeaseKeeper keeper) {}

    public HostLeases(Reconciler reconciler, RtNetlink host) {
        this.reconciler = reconciler;
        this.host = host;
    }

    /** Starts and stops keepers so that exactly the DHCP host networks of {@code config} have one. */
    public synchronized void sync(Config config) {
        Map<String, HostNetwork> wanted = new LinkedHashMap<>();
        for (HostNetwork h : config.hostNetworks()) {
            if (h.addressing() instanceof HostNetwork.Addressing.Dhcp) {
                wanted.put(h.name(), h);
            }
        }
        for (Running r : Map.copyOf(running).values()) {
            HostNetwork now = wanted.get(r.network().name());
            if (now == null || !now.interfaceName().equals(r.network().interfaceName())) {
                r.keeper().stop(true);
                running.remove(r.network().name());
                forget(r.network().name());
            }
        }
        for (HostNetwork h : wanted.values()) {
            if (!running.containsKey(h.name())) {
                running.put(h.name(), new Running(h, keeper(h).start()));
            }
        }
    }

    private LeaseKeeper keeper(HostNetwork h) {
        // The client identifier tells the node's VLAN interfaces apart: they share the bridge's MAC.
        byte[] clientId = ("\0vmnetd-" + h.name()).getBytes(StandardCharsets.US_ASCII);
        return new LeaseKeeper(h.interfaceName(), clientId, new NodeInterface(), new LeaseKeeper.Listener() {
            @Override
            public void bound(DhcpLease lease) {
                changed(h, Optional.of(lease));
            }

            @Override
            public void lost(String why) {
                changed(h, Optional.empty());
            }
        }, DhcpSocket::open);
    }

    private void changed(HostNetwork h, Optional<DhcpLease> lease) {
        synchronized (this) {
            if (!running.containsKey(h.name())) {
                return;
            }
            states.put(h.name(), lease.<LeaseState>map(l -> new LeaseState.Bound(leased(l)))
                    .orElse(new LeaseState.Lost()));
            reconciler.setLeases(states);
        }
        reconciler.reconcile(h.clusterNetwork(), Reason.DHCP_LEASE);
    }

    private synchronized void forget(String name) {
        if (states.remove(name) != null) {
            reconciler.setLeases(states);
        }
    }

    static LeasedAddress leased(DhcpLease l) {
        return new LeasedAddress(new IpPrefix(l.address(), l.prefixLength()), l.router().map(r -> r),
                Optional.of(l.server()), Optional.of(l.boundAt()), Optional.of(l.renewAt()), l.expiresAt());
    }

    /** Stops every keeper; leases are kept (not released): a restarted daemon asks for the same address again. */
    @Override
    public synchronized void close() {
        running.values().forEach(r -> r.keeper().stop(false));
        running.clear();
    }

    /** The interface as the node's kernel has it. */
    private final class NodeInterface implements LeaseKeeper.Interface {
        @Override
        public Optional<byte[]> macIfUp(String device) {
            return host.links().find(device).filter(Link::isUp).flatMap(Link::mac).map(m -> m.bytes());
        }

        @Override
        public Optional<Inet4Address> heldAddress(String device) {
            return host.addresses().list(device).stream()
                    .filter(a -> a.scope() == Rtnl.Rta.SCOPE_UNIVERSE)
                    .map(Address::prefix)
                    .filter(p -> p.address() instanceof Inet4Address)
                    .map(p -> (Inet4Address) p.address())
                    .findFirst();
        }
    }
}
