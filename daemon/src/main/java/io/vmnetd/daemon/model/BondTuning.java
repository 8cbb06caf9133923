package io.vmnetd.daemon.model;

import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BondOptions;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.MacAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What a cluster network's bond must have besides its mode and miimon.
 *
 * @param options the bond's options; their primary index is unused (0): the primary is named, as an index exists
 *     only in the kernel
 * @param primary the NIC preferred as the active one
 * @param hardwareAddr the bond's MAC; empty: whatever the bond has (its first NIC's)
 */
public record BondTuning(BondOptions options, Optional<String> primary, Optional<MacAddress> hardwareAddr) {

    /** Every option at the kernel's default, no primary, the bond's own MAC. */
    public static final BondTuning DEFAULTS = new BondTuning(BondOptions.DEFAULTS, Optional.empty(), Optional.empty());

    public BondTuning {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(hardwareAddr, "hardwareAddr");
    }

    /** The bond's kind as the kernel should report it, with the primary NIC's index as it is now (0: none). */
    public LinkKind.Bond kind(BondMode mode, int miimon, int primaryIndex) {
        return new LinkKind.Bond(mode, miimon, options.withPrimaryIndex(primaryIndex));
    }
}
