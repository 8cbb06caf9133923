package io.vmnetd.daemon.config;

import io.vmnetd.netlink.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An address of the node itself on a VLAN of a cluster network (Harvester's HostNetworkConfig): an 802.1Q interface
 * {@link #interfaceName()} on the cluster network's bridge, for storage or migration traffic.
 *
 * @param vlan 2..4094: VLAN 1 is the bridge's own native VLAN
 * @param routes destinations reached through the gateway ({@link Addressing.Static#gateway()}, or the DHCP lease's
 *     router)
 */
public record HostNetwork(String name, String clusterNetwork, int vlan, Addressing addressing, List<IpPrefix> routes) {

    /** How the interface gets its address. */
    public sealed interface Addressing {
        /** The mode as written in the config. */
        String mode();

        /** An address written in the config, and optionally a gateway inside its subnet. */
        record Static(IpPrefix address, Optional<InetAddress> gateway) implements Addressing {
            public Static {
                Objects.requireNonNull(address, "address");
                Objects.requireNonNull(gateway, "gateway");
            }

            public String mode() {
                return "static";
            }
        }

        /** A lease from a DHCP server on the VLAN, kept by vmnetd: address, subnet and router. */
        record Dhcp() implements Addressing {
            public String mode() {
                return "dhcp";
            }
        }
    }

    public static final List<String> MODES = List.of("static", "dhcp");

    public HostNetwork {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clusterNetwork, "clusterNetwork");
        Objects.requireNonNull(addressing, "addressing");
        routes = List.copyOf(routes);
    }

    /** The 802.1Q interface: {@code <bridge>.<vid>}, e.g. {@code data-br.100}. */
    public String interfaceName() {
        return interfaceName(clusterNetwork, vlan);
    }

    public static String interfaceName(String clusterNetwork, int vlan) {
        return ClusterNetwork.bridgeName(clusterNetwork) + "." + vlan;
    }
}
