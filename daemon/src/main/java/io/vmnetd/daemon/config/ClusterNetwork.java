package io.vmnetd.daemon.config;

import java.util.Objects;

/**
 * A bridge with a bonded uplink that VM networks attach to.
 *
 * <p>The built-in cluster network {@value #MGMT} is never declared: its bridge {@code mgmt-br} is adopted as
 * the node's installer left it, so it has no entry here and its MTU is whatever the kernel reports.
 */
public record ClusterNetwork(String name, int mtu, Uplink uplink) {

    public static final String MGMT = "mgmt";
    public static final int DEFAULT_MTU = 1500;
    public static final int MIN_MTU = 576;
    public static final int MAX_MTU = 9000;

    static final String BRIDGE_SUFFIX = "-br";
    static final String BOND_SUFFIX = "-bo";

    public ClusterNetwork {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uplink, "uplink");
    }

    public String bridgeName() {
        return bridgeName(name);
    }

    public String bondName() {
        return bondName(name);
    }

    /** The bridge of any cluster network, including {@value #MGMT}. */
    public static String bridgeName(String clusterNetwork) {
        return clusterNetwork + BRIDGE_SUFFIX;
    }

    public static String bondName(String clusterNetwork) {
        return clusterNetwork + BOND_SUFFIX;
    }
}
