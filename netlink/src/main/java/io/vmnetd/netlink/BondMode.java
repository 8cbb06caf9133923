package io.vmnetd.netlink;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Kernel bonding modes, with the names iproute2 and sysfs use. */
public enum BondMode {
    BALANCE_RR("balance-rr"),
    ACTIVE_BACKUP("active-backup"),
    BALANCE_XOR("balance-xor"),
    BROADCAST("broadcast"),
    IEEE_802_3AD("802.3ad"),
    BALANCE_TLB("balance-tlb"),
    BALANCE_ALB("balance-alb");

    private final String kernelName;

    BondMode(String kernelName) {
        this.kernelName = kernelName;
    }

    public String kernelName() {
        return kernelName;
    }

    /** The IFLA_BOND_MODE number: the declaration order matches the kernel's. */
    public int number() {
        return ordinal();
    }

    public static BondMode ofNumber(int number) {
        if (number < 0 || number >= values().length) {
            throw new io.vmnetd.netlink.nl.NetlinkParseException("unknown bond mode " + number);
        }
        return values()[number];
    }

    public static BondMode ofKernelName(String name) {
        return find(name).orElseThrow(() ->
                new InvalidArgumentException("bond mode", "\"" + name + "\" is not a bond mode; allowed: " + allowed()));
    }

    public static java.util.Optional<BondMode> find(String kernelName) {
        return Arrays.stream(values()).filter(m -> m.kernelName.equals(kernelName)).findFirst();
    }

    public static java.util.List<String> kernelNames() {
        return Arrays.stream(values()).map(BondMode::kernelName).toList();
    }

    public static String allowed() {
        return Arrays.stream(values()).map(BondMode::kernelName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return kernelName;
    }
}
