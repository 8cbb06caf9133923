package io.vmnetd.netlink;

import io.vmnetd.netlink.nl.NetlinkParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A bond's settings besides its mode and miimon, with the kernel's own value names (as sysfs and iproute2 print
 * them). Which of them take effect, or may change, in which mode and state is {@link BondOption}'s to say.
 *
 * @param updelay milliseconds, a multiple of miimon (the kernel keeps it in units of miimon)
 * @param downdelay milliseconds, a multiple of miimon
 * @param primaryIndex the NIC preferred as the active one (IFLA_BOND_PRIMARY); 0 for none. The kernel reports it
 *     only while that NIC is a slave of the bond
 * @param minLinks links that must be up before the bond reports carrier
 */
public record BondOptions(XmitHashPolicy xmitHashPolicy, LacpRate lacpRate, AdSelect adSelect, int updelay,
                          int downdelay, int primaryIndex, int minLinks) {

    /** What a new bond has: every option at the kernel's default. */
    public static final BondOptions DEFAULTS = new BondOptions(XmitHashPolicy.LAYER2, LacpRate.SLOW, AdSelect.STABLE,
            0, 0, 0, 0);

    public BondOptions {
        Arguments.notNull("xmit_hash_policy", xmitHashPolicy);
        Arguments.notNull("lacp_rate", lacpRate);
        Arguments.notNull("ad_select", adSelect);
        Arguments.nonNegative("updelay", updelay);
        Arguments.nonNegative("downdelay", downdelay);
        Arguments.nonNegative("primary", primaryIndex);
        Arguments.nonNegative("min_links", minLinks);
    }

    public BondOptions withXmitHashPolicy(XmitHashPolicy value) {
        return new BondOptions(value, lacpRate, adSelect, updelay, downdelay, primaryIndex, minLinks);
    }

    public BondOptions withLacpRate(LacpRate value) {
        return new BondOptions(xmitHashPolicy, value, adSelect, updelay, downdelay, primaryIndex, minLinks);
    }

    public BondOptions withAdSelect(AdSelect value) {
        return new BondOptions(xmitHashPolicy, lacpRate, value, updelay, downdelay, primaryIndex, minLinks);
    }

    public BondOptions withUpdelay(int millis) {
        return new BondOptions(xmitHashPolicy, lacpRate, adSelect, millis, downdelay, primaryIndex, minLinks);
    }

    public BondOptions withDowndelay(int millis) {
        return new BondOptions(xmitHashPolicy, lacpRate, adSelect, updelay, millis, primaryIndex, minLinks);
    }

    public BondOptions withPrimaryIndex(int index) {
        return new BondOptions(xmitHashPolicy, lacpRate, adSelect, updelay, downdelay, index, minLinks);
    }

    public BondOptions withMinLinks(int links) {
        return new BondOptions(xmitHashPolicy, lacpRate, adSelect, updelay, downdelay, primaryIndex, links);
    }

    /** A bond option whose values the kernel numbers in declaration order and names as {@link #kernelName()}. */
    public interface Named {
        String kernelName();

        int ordinal();

        default int number() {
            return ordinal();
        }
    }

    /** xmit_hash_policy: how balance-xor, 802.3ad and balance-tlb pick a slave for a frame (BOND_XMIT_POLICY_*). */
    public enum XmitHashPolicy implements Named {
        LAYER2("layer2"), LAYER3_4("layer3+4"), LAYER2_3("layer2+3"), ENCAP2_3("encap2+3"), ENCAP3_4("encap3+4"),
        VLAN_SRCMAC("vlan+srcmac");

        private final String kernelName;

        XmitHashPolicy(String kernelName) {
            this.kernelName = kernelName;
        }

        public String kernelName() {
            return kernelName;
        }

        @Override
        public String toString() {
            return kernelName;
        }
    }

    /** lacp_rate: how often 802.3ad asks its partner for LACPDUs, every 30 s or every second. */
    public enum LacpRate implements Named {
        SLOW("slow"), FAST("fast");

        private final String kernelName;

        LacpRate(String kernelName) {
            this.kernelName = kernelName;
        }

        public String kernelName() {
            return kernelName;
        }

        @Override
        public String toString() {
            return kernelName;
        }
    }

    /** ad_select: how 802.3ad chooses the active aggregator. */
    public enum AdSelect implements Named {
        STABLE("stable"), BANDWIDTH("bandwidth"), COUNT("count");

        private final String kernelName;

        AdSelect(String kernelName) {
            this.kernelName = kernelName;
        }

        public String kernelName() {
            return kernelName;
        }

        @Override
        public String toString() {
            return kernelName;
        }
    }

    /** The kernel names of {@code type}'s values, in the kernel's order. */
    public static <E extends Enum<E> & Named> List<String> kernelNames(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Named::kernelName).toList();
    }

    /** The value of {@code type} the kernel calls {@code kernelName}. */
    public static <E extends Enum<E> & Named> Optional<E> find(Class<E> type, String kernelName) {
        return Arrays.stream(type.getEnumConstants()).filter(v -> v.kernelName().equals(kernelName)).findFirst();
    }

    static <E extends Enum<E> & Named> E ofNumber(Class<E> type, int number) {
        E[] values = type.getEnumConstants();
        if (number < 0 || number >= values.length) {
            throw new NetlinkParseException("unknown " + type.getSimpleName() + " " + number);
        }
        return values[number];
    }
}
