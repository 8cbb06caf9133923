package io.vmnetd.daemon.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Linux bonding modes, spelled and numbered as the kernel and iproute2 do. */
public enum BondMode {
    BALANCE_RR("balance-rr", 0),
    ACTIVE_BACKUP("active-backup", 1),
    BALANCE_XOR("balance-xor", 2),
    BROADCAST("broadcast", 3),
    IEEE_802_3AD("802.3ad", 4),
    BALANCE_TLB("balance-tlb", 5),
    BALANCE_ALB("balance-alb", 6);

    private final String kernelName;
    private final int number;

    BondMode(String kernelName, int number) {
        this.kernelName = kernelName;
        this.number = number;
    }

    /** The name the kernel prints in /sys/class/net/BOND/bonding/mode and accepts in the config file. */
    public String kernelName() {
        return kernelName;
    }

    /** The value of IFLA_BOND_MODE. */
    public int number() {
        return number;
    }

    public static Optional<BondMode> fromKernelName(String name) {
        return Arrays.stream(values()).filter(mode -> mode.kernelName.equals(name)).findFirst();
    }

    public static Optional<BondMode> fromNumber(int number) {
        return Arrays.stream(values()).filter(mode -> mode.number == number).findFirst();
    }

    static List<String> kernelNames() {
        return Arrays.stream(values()).map(BondMode::kernelName).toList();
    }
}
