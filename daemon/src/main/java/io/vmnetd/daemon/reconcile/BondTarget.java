package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.model.BondTuning;
import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BondOption;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkKind;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A bond's wanted settings as the steps apply them: the primary by name, its index looked up when applied. */
record BondTarget(BondMode mode, int miimon, BondTuning tuning) {

    static BondTarget of(DesiredNetwork want) {
        return new BondTarget(want.bondMode(), want.miimon(), want.bondTuning());
    }

    /** The bond's kind with the primary's index as {@code find} knows it (none when the NIC does not exist). */
    LinkKind.Bond kind(Function<String, Optional<Link>> find) {
        int primaryIndex = tuning.primary().flatMap(find).map(Link::index).orElse(0);
        return tuning.kind(mode, miimon, primaryIndex);
    }

    /** "xmit_hash_policy layer3+4, primary eth2": the options as they are to become. */
    String describe(List<BondOption> options) {
        LinkKind.Bond kind = tuning.kind(mode, miimon, 0);
        return options.stream().map(o -> o.kernelName() + " " + (o == BondOption.PRIMARY
                ? tuning.primary().orElse("none") : o.valueIn(kind))).collect(Collectors.joining(", "));
    }
}
