package io.vmnetd.daemon.config;

import io.vmnetd.netlink.BondMode;

import io.vmnetd.netlink.MacAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The physical side of a cluster network: its NICs are always enslaved to a bond (even a single NIC),
 * so that adding a second NIC later does not change the bridge's port.
 *
 * @param nics Linux interface names, at least one
 * @param mode bonding mode
 * @param miimon link monitoring interval in milliseconds, 0 disables it
 * @param txQueueLen transmit queue length for the bond; empty keeps the kernel's default
 * @param bond the bond's other options
 * @param hardwareAddr the bond's MAC (Harvester's linkAttributes.hardwareAddr); empty: the first NIC's, as the
 *     bond takes it
 */
public record Uplink(List<String> nics, BondMode mode, int miimon, OptionalInt txQueueLen, BondSettings bond,
                     Optional<MacAddress> hardwareAddr) {

    public static final BondMode DEFAULT_MODE = BondMode.ACTIVE_BACKUP;
    public static final int DEFAULT_MIIMON = 100;

    public Uplink {
        nics = List.copyOf(nics);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(txQueueLen, "txQueueLen");
        Objects.requireNonNull(bond, "bond");
        Objects.requireNonNull(hardwareAddr, "hardwareAddr");
    }

    /** An uplink with the bond's other options at the kernel's defaults and the bond's own MAC. */
    public Uplink(List<String> nics, BondMode mode, int miimon, OptionalInt txQueueLen) {
        this(nics, mode, miimon, txQueueLen, BondSettings.NONE, Optional.empty());
    }
}
