package io.vmnetd.daemon.config;

import io.vmnetd.daemon.config.LocatedNode.Location;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BondOption;
import io.vmnetd.netlink.BondOptions;
import io.vmnetd.netlink.BondOptions.AdSelect;
import io.vmnetd.netlink.BondOptions.LacpRate;
import io.vmnetd.netlink.BondOptions.XmitHashPolicy;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Validates {@code uplink.bond}: the mode, miimon and the options, each option against the mode by the bonding
 * driver's rules ({@link BondOption#appliesTo}): an option that would not take effect in the mode is refused, naming
 * the option, the mode and the modes it is for.
 */
final class BondValidator {

    static final List<String> KEYS = List.of("mode", "miimon", "xmitHashPolicy", "lacpRate", "adSelect", "updelay",
            "downdelay", "primary", "minLinks");

    private static final IntRange MIIMON = new IntRange(0, 10_000);
    private static final IntRange DELAY = new IntRange(0, 600_000);

    /** What the bond mapping says; the mode and miimon are their defaults where not written. */
    record Bond(BondMode mode, int miimon, BondSettings settings) {}

    private final Problems problems;

    BondValidator(Problems problems) {
        this.problems = problems;
    }

    /** {@code bond}: the mapping, when written; {@code nics}: the uplink's valid NICs, which a primary must be. */
    Bond read(Optional<MappingFields> bond, List<String> nics) {
        if (bond.isEmpty()) {
            return new Bond(Uplink.DEFAULT_MODE, Uplink.DEFAULT_MIIMON, BondSettings.NONE);
        }
        MappingFields f = bond.get();
        Optional<BondMode> mode = f.oneOf("mode", BondMode.kernelNames()).flatMap(BondMode::find);
        // A mode written wrong is reported already; the options are then checked against no mode at all.
        Optional<BondMode> checkedMode = f.has("mode") ? mode : Optional.of(Uplink.DEFAULT_MODE);
        OptionalInt miimonWritten = f.integer("miimon", MIIMON);
        int miimon = f.has("miimon") ? miimonWritten.orElse(-1) : Uplink.DEFAULT_MIIMON;

        Optional<XmitHashPolicy> xmit = option(f, "xmitHashPolicy", XmitHashPolicy.class, BondOption.XMIT_HASH_POLICY,
                checkedMode);
        Optional<LacpRate> lacp = option(f, "lacpRate", LacpRate.class, BondOption.LACP_RATE, checkedMode);
        Optional<AdSelect> adSelect = option(f, "adSelect", AdSelect.class, BondOption.AD_SELECT, checkedMode);
        OptionalInt updelay = delay(f, "updelay", miimon);
        OptionalInt downdelay = delay(f, "downdelay", miimon);
        Optional<String> primary = primary(f, nics, checkedMode);
        OptionalInt minLinks = minLinks(f, nics, checkedMode);
        return new Bond(mode.orElse(Uplink.DEFAULT_MODE), Math.max(miimon, 0),
                new BondSettings(xmit, lacp, adSelect, updelay, downdelay, primary, minLinks));
    }

    private <E extends Enum<E> & BondOptions.Named> Optional<E> option(MappingFields f, String key, Class<E> type,
            BondOption option, Optional<BondMode> mode) {
        Optional<E> value = f.oneOf(key, BondOptions.kernelNames(type)).flatMap(name -> BondOptions.find(type, name));
        if (value.isPresent() && !fitsMode(f, key, option, mode)) {
            return Optional.empty();
        }
        return value;
    }

    /** Reports {@code key} when it does not take effect in {@code mode}; true when it does (or the mode is unknown). */
    private boolean fitsMode(MappingFields f, String key, BondOption option, Optional<BondMode> mode) {
        if (mode.isEmpty() || option.appliesTo(mode.get())) {
            return true;
        }
        String modes = option.modes().stream().map(BondMode::kernelName).collect(Collectors.joining(", "));
        problems.add(f.get(key).orElseThrow().location(), f.path(key), "the bonding driver uses " + option.kernelName()
                + " only in mode " + modes + "; this bond's mode is " + mode.get().kernelName()
                + (f.has("mode") ? "" : " (the default)") + ": remove " + key + " or change " + f.path("mode"));
        return false;
    }

    /** updelay/downdelay: MII monitoring on, and a multiple of miimon (the kernel would silently round it down). */
    private OptionalInt delay(MappingFields f, String key, int miimon) {
        OptionalInt value = f.integer(key, DELAY);
        if (value.isEmpty() || value.getAsInt() == 0 || miimon < 0) {
            return value;
        }
        Location at = f.get(key).orElseThrow().location();
        int millis = value.getAsInt();
        if (miimon == 0) {
            problems.add(at, f.path(key), key + " is counted by the MII monitor, which miimon 0 turns off; set "
                    + f.path("miimon") + " above 0 or remove " + key);
            return OptionalInt.empty();
        }
        if (millis % miimon != 0) {
            problems.add(at, f.path(key), key + " " + millis + " is not a multiple of miimon " + miimon
                    + " (the kernel would round it down to " + millis / miimon * miimon + "); allowed: 0, " + miimon
                    + ", " + 2 * miimon + ", ... up to " + DELAY.max());
            return OptionalInt.empty();
        }
        return value;
    }

    private Optional<String> primary(MappingFields f, List<String> nics, Optional<BondMode> mode) {
        Optional<String> primary = f.text("primary");
        if (primary.isEmpty() || !fitsMode(f, "primary", BondOption.PRIMARY, mode)) {
            return Optional.empty();
        }
        if (!nics.contains(primary.get())) {
            problems.add(f.get("primary").orElseThrow().location(), f.path("primary"), "\"" + primary.get()
                    + "\" is not one of this uplink's NICs; allowed: " + String.join(", ", nics));
            return Optional.empty();
        }
        return primary;
    }

    /** minLinks: at most the NICs there are, else the bond would never report carrier. */
    private OptionalInt minLinks(MappingFields f, List<String> nics, Optional<BondMode> mode) {
        IntRange range = new IntRange(0, Math.max(nics.size(), 1));
        OptionalInt value = f.integer("minLinks", range);
        if (value.isEmpty() || !fitsMode(f, "minLinks", BondOption.MIN_LINKS, mode)) {
            return OptionalInt.empty();
        }
        return value;
    }
}
