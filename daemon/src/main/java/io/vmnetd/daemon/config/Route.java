package io.vmnetd.daemon.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How the subnet of a VM network is learned, and how its gateway is checked: {@code auto} learns CIDR and gateway
 * from a DHCP OFFER, {@code manual} states them. A VM network with a route is checked for connectivity on every
 * node (see the {@code probe} package).
 *
 * @param cidr the subnet, e.g. {@code 10.0.100.0/24}; present exactly when the mode is manual
 * @param gateway an address inside {@code cidr}; present exactly when the mode is manual
 * @param vlan for a trunk network only: the VID the check runs on (default: the trunk's lowest)
 * @param ping whether the gateway must also answer an ICMP echo, not only ARP
 * @param pingFrom the source address of the echo requests; required for a manual route with ping, and optional
 *     for auto, which otherwise uses the address the DHCP server offered
 */
public record Route(Mode mode, Optional<String> cidr, Optional<String> gateway, OptionalInt vlan, boolean ping,
                    Optional<String> pingFrom) {

    public enum Mode {
        AUTO,
        MANUAL;

        /** The spelling used in the config file. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Route {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(cidr, "cidr");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(vlan, "vlan");
        Objects.requireNonNull(pingFrom, "pingFrom");
        boolean manual = mode == Mode.MANUAL;
        if (cidr.isPresent() != manual || gateway.isPresent() != manual) {
            throw new IllegalArgumentException("cidr and gateway are set exactly when the route mode is manual");
        }
        if (pingFrom.isPresent() && !ping) {
            throw new IllegalArgumentException("pingFrom is set only when ping is on");
        }
    }

    /** The checked form of a route without the optional checks. */
    public Route(Mode mode, Optional<String> cidr, Optional<String> gateway) {
        this(mode, cidr, gateway, OptionalInt.empty(), false, Optional.empty());
    }

    public static Route auto() {
        return new Route(Mode.AUTO, Optional.empty(), Optional.empty());
    }

    public static Route manual(String cidr, String gateway) {
        return new Route(Mode.MANUAL, Optional.of(cidr), Optional.of(gateway));
    }

    /** This route, checked on trunk VID {@code vid}. */
    public Route onVlan(int vid) {
        return new Route(mode, cidr, gateway, OptionalInt.of(vid), ping, pingFrom);
    }

    /** This route, with an ICMP echo to the gateway from {@code from} (empty: the offered address). */
    public Route withPing(Optional<String> from) {
        return new Route(mode, cidr, gateway, vlan, true, from);
    }
}
