package io.vmnetd.netlink;

import io.vmnetd.netlink.nl.Attributes;
import io.vmnetd.netlink.nl.Attributes.Attribute;
import io.vmnetd.netlink.nl.MessageBuilder;
import io.vmnetd.netlink.nl.Rtnl;

/** A bond's IFLA_BOND_* attributes inside IFLA_INFO_DATA, both ways. */
final class BondCodec {
    private BondCodec() {}

    /**
     * Writes the options of {@code want} that differ from {@code have}. With {@code miimonChanges}, updelay and
     * downdelay are written whatever they were: the kernel keeps them in units of miimon, so a new miimon would
     * otherwise scale them.
     */
    static void encodeOptions(MessageBuilder m, BondOptions have, BondOptions want, boolean miimonChanges) {
        if (miimonChanges || want.updelay() != have.updelay()) {
            m.u32(Rtnl.Bond.UPDELAY, want.updelay());
        }
        if (miimonChanges || want.downdelay() != have.downdelay()) {
            m.u32(Rtnl.Bond.DOWNDELAY, want.downdelay());
        }
        if (want.primaryIndex() != have.primaryIndex()) {
            // Index 0 names no link: the kernel then clears the primary.
            m.u32(Rtnl.Bond.PRIMARY, want.primaryIndex());
        }
        if (want.xmitHashPolicy() != have.xmitHashPolicy()) {
            m.u8(Rtnl.Bond.XMIT_HASH_POLICY, want.xmitHashPolicy().number());
        }
        if (want.minLinks() != have.minLinks()) {
            m.u32(Rtnl.Bond.MIN_LINKS, want.minLinks());
        }
        if (want.lacpRate() != have.lacpRate()) {
            m.u8(Rtnl.Bond.AD_LACP_RATE, want.lacpRate().number());
        }
        if (want.adSelect() != have.adSelect()) {
            m.u8(Rtnl.Bond.AD_SELECT, want.adSelect().number());
        }
    }

    /** A bond's kind as the kernel reports it; an attribute it leaves out reads as the default. */
    static LinkKind.Bond decode(Attributes data) {
        BondOptions d = BondOptions.DEFAULTS;
        BondOptions options = new BondOptions(
                data.get(Rtnl.Bond.XMIT_HASH_POLICY).map(a -> BondOptions.ofNumber(BondOptions.XmitHashPolicy.class,
                        a.u8())).orElse(d.xmitHashPolicy()),
                data.get(Rtnl.Bond.AD_LACP_RATE).map(a -> BondOptions.ofNumber(BondOptions.LacpRate.class, a.u8()))
                        .orElse(d.lacpRate()),
                data.get(Rtnl.Bond.AD_SELECT).map(a -> BondOptions.ofNumber(BondOptions.AdSelect.class, a.u8()))
                        .orElse(d.adSelect()),
                data.get(Rtnl.Bond.UPDELAY).map(Attribute::u32).orElse(0),
                data.get(Rtnl.Bond.DOWNDELAY).map(Attribute::u32).orElse(0),
                data.get(Rtnl.Bond.PRIMARY).map(Attribute::u32).orElse(0),
                data.get(Rtnl.Bond.MIN_LINKS).map(Attribute::u32).orElse(0));
        return new LinkKind.Bond(
                BondMode.ofNumber(data.get(Rtnl.Bond.MODE).map(Attribute::u8).orElse(0)),
                data.get(Rtnl.Bond.MIIMON).map(Attribute::u32).orElse(0),
                options);
    }
}
