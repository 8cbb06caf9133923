package io.vmnetd.daemon.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How the subnet of a VM network is learned: {@code auto} leaves it to DHCP snooping, {@code manual} states it.
 *
 * @param cidr the subnet, e.g. {@code 10.0.100.0/24}; present exactly when the mode is manual
 * @param gateway an address inside {@code cidr}; present exactly when the mode is manual
 */
public record Route(Mode mode, Optional<String> cidr, Optional<String> gateway) {

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
        boolean manual = mode == Mode.MANUAL;
        if (cidr.isPresent() != manual || gateway.isPresent() != manual) {
            throw new IllegalArgumentException("cidr and gateway are set exactly when the route mode is manual");
        }
    }

    public static Route auto() {
        return new Route(Mode.AUTO, Optional.empty(), Optional.empty());
    }

    public static Route manual(String cidr, String gateway) {
        return new Route(Mode.MANUAL, Optional.of(cidr), Optional.of(gateway));
    }
}
