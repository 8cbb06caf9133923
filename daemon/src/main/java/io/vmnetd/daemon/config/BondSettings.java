package io.vmnetd.daemon.config;

import io.vmnetd.netlink.BondOptions;
import io.vmnetd.netlink.BondOptions.AdSelect;
import io.vmnetd.netlink.BondOptions.LacpRate;
import io.vmnetd.netlink.BondOptions.XmitHashPolicy;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code uplink.bond} says besides mode and miimon, each empty when not written: the kernel's default applies
 * then, and is what vmnetd keeps (a value changed by hand is set back).
 *
 * @param updelay milliseconds, a multiple of miimon
 * @param downdelay milliseconds, a multiple of miimon
 * @param primary one of the uplink's NICs
 */
public record BondSettings(Optional<XmitHashPolicy> xmitHashPolicy, Optional<LacpRate> lacpRate,
                           Optional<AdSelect> adSelect, OptionalInt updelay, OptionalInt downdelay,
                           Optional<String> primary, OptionalInt minLinks) {

    /** Nothing written: every option at the kernel's default. */
    public static final BondSettings NONE = new BondSettings(Optional.empty(), Optional.empty(), Optional.empty(),
            OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), OptionalInt.empty());

    public BondSettings {
        Objects.requireNonNull(xmitHashPolicy, "xmitHashPolicy");
        Objects.requireNonNull(lacpRate, "lacpRate");
        Objects.requireNonNull(adSelect, "adSelect");
        Objects.requireNonNull(updelay, "updelay");
        Objects.requireNonNull(downdelay, "downdelay");
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(minLinks, "minLinks");
    }

    /** The options to keep on the bond: those written, the kernel's defaults for the rest; no primary (a name). */
    public BondOptions options() {
        BondOptions d = BondOptions.DEFAULTS;
        return new BondOptions(xmitHashPolicy.orElse(d.xmitHashPolicy()), lacpRate.orElse(d.lacpRate()),
                adSelect.orElse(d.adSelect()), updelay.orElse(d.updelay()), downdelay.orElse(d.downdelay()), 0,
                minLinks.orElse(d.minLinks()));
    }
}
