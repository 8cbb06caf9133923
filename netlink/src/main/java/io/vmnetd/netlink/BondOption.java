package io.vmnetd.netlink;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The bond settings vmnetd manages, with two facts about each from the kernel: in which modes it takes effect (the
 * bonding driver's documentation; for lacp_rate and primary the driver also refuses them in any other mode), and
 * what state the bond must be in for a change (bond_opt_check_deps: BOND_OPTFLAG_NOSLAVES, BOND_OPTFLAG_IFDOWN; seen
 * on Debian's 6.1 kernel: mode needs a bond without slaves, lacp_rate and ad_select one that is down, the rest change
 * on a running bond).
 */
public enum BondOption {
    MODE("mode", Change.WITHOUT_SLAVES, EnumSet.allOf(BondMode.class)),
    MIIMON("miimon", Change.LIVE, EnumSet.allOf(BondMode.class)),
    XMIT_HASH_POLICY("xmit_hash_policy", Change.LIVE,
            EnumSet.of(BondMode.BALANCE_XOR, BondMode.IEEE_802_3AD, BondMode.BALANCE_TLB)),
    LACP_RATE("lacp_rate", Change.BOND_DOWN, EnumSet.of(BondMode.IEEE_802_3AD)),
    AD_SELECT("ad_select", Change.BOND_DOWN, EnumSet.of(BondMode.IEEE_802_3AD)),
    UPDELAY("updelay", Change.LIVE, EnumSet.allOf(BondMode.class)),
    DOWNDELAY("downdelay", Change.LIVE, EnumSet.allOf(BondMode.class)),
    PRIMARY("primary", Change.LIVE, EnumSet.of(BondMode.ACTIVE_BACKUP, BondMode.BALANCE_TLB, BondMode.BALANCE_ALB)),
    MIN_LINKS("min_links", Change.LIVE, EnumSet.of(BondMode.IEEE_802_3AD));

    /** What a change of an option costs, cheapest first. */
    public enum Change {
        /** Changed on the running bond. */
        LIVE,
        /** The kernel refuses it while the bond is up (EBUSY): the bond goes down for the change. */
        BOND_DOWN,
        /** The kernel refuses it while the bond has slaves (ENOTEMPTY): its NICs are released and enslaved again. */
        WITHOUT_SLAVES
    }

    private final String kernelName;
    private final Change change;
    private final Set<BondMode> modes;

    BondOption(String kernelName, Change change, Set<BondMode> modes) {
        this.kernelName = kernelName;
        this.change = change;
        this.modes = modes;
    }

    public String kernelName() {
        return kernelName;
    }

    public Change change() {
        return change;
    }

    /** True when this option takes effect in {@code mode}. */
    public boolean appliesTo(BondMode mode) {
        return modes.contains(mode);
    }

    /** The modes this option takes effect in, in the kernel's order. */
    public List<BondMode> modes() {
        return List.copyOf(EnumSet.copyOf(modes));
    }

    /**
     * The options that differ between the bond as it is ({@code have}) and as wanted, among those that take effect in
     * the wanted mode (the kernel keeps, and reports, values that no longer apply after a mode change). The primary
     * is compared only when {@code comparePrimary}: the kernel reports it only while that NIC is enslaved.
     */
    public static List<BondOption> differing(LinkKind.Bond have, LinkKind.Bond want, boolean comparePrimary) {
        List<BondOption> out = new ArrayList<>();
        BondOptions h = have.options();
        BondOptions w = want.options();
        for (BondOption o : values()) {
            if (!o.appliesTo(want.mode()) || o == PRIMARY && !comparePrimary) {
                continue;
            }
            boolean same = switch (o) {
                case MODE -> have.mode() == want.mode();
                case MIIMON -> have.miimon() == want.miimon();
                case XMIT_HASH_POLICY -> h.xmitHashPolicy() == w.xmitHashPolicy();
                case LACP_RATE -> h.lacpRate() == w.lacpRate();
                case AD_SELECT -> h.adSelect() == w.adSelect();
                case UPDELAY -> h.updelay() == w.updelay();
                case DOWNDELAY -> h.downdelay() == w.downdelay();
                case PRIMARY -> h.primaryIndex() == w.primaryIndex();
                case MIN_LINKS -> h.minLinks() == w.minLinks();
            };
            if (!same) {
                out.add(o);
            }
        }
        return out;
    }

    /**
     * {@code have} with the {@code options} taken from {@code want} and everything else left as it is: what to send
     * so that only those options change (an option the kernel keeps from another mode, and would refuse in this
     * one, is then never sent).
     */
    public static LinkKind.Bond merge(LinkKind.Bond have, LinkKind.Bond want, List<BondOption> options) {
        BondMode mode = have.mode();
        int miimon = have.miimon();
        BondOptions h = have.options();
        BondOptions w = want.options();
        for (BondOption o : options) {
            switch (o) {
                case MODE -> mode = want.mode();
                case MIIMON -> miimon = want.miimon();
                case XMIT_HASH_POLICY -> h = h.withXmitHashPolicy(w.xmitHashPolicy());
                case LACP_RATE -> h = h.withLacpRate(w.lacpRate());
                case AD_SELECT -> h = h.withAdSelect(w.adSelect());
                case UPDELAY -> h = h.withUpdelay(w.updelay());
                case DOWNDELAY -> h = h.withDowndelay(w.downdelay());
                case PRIMARY -> h = h.withPrimaryIndex(w.primaryIndex());
                case MIN_LINKS -> h = h.withMinLinks(w.minLinks());
            }
        }
        return new LinkKind.Bond(mode, miimon, h);
    }

    /** The value {@code kind} has for this option, as the kernel names it (a primary as its index). */
    public String valueIn(LinkKind.Bond kind) {
        BondOptions o = kind.options();
        return switch (this) {
            case MODE -> kind.mode().kernelName();
            case MIIMON -> Integer.toString(kind.miimon());
            case XMIT_HASH_POLICY -> o.xmitHashPolicy().kernelName();
            case LACP_RATE -> o.lacpRate().kernelName();
            case AD_SELECT -> o.adSelect().kernelName();
            case UPDELAY -> Integer.toString(o.updelay());
            case DOWNDELAY -> Integer.toString(o.downdelay());
            case PRIMARY -> o.primaryIndex() == 0 ? "none" : "#" + o.primaryIndex();
            case MIN_LINKS -> Integer.toString(o.minLinks());
        };
    }

    /** The costliest change among {@code options}; {@link Change#LIVE} for none. */
    public static Change costliest(List<BondOption> options) {
        Change worst = Change.LIVE;
        for (BondOption o : options) {
            if (o.change.compareTo(worst) > 0) {
                worst = o.change;
            }
        }
        return Objects.requireNonNull(worst);
    }

    @Override
    public String toString() {
        return kernelName;
    }
}
