package io.vmnetd.netlink;

/**
 * What kind of device a link is and its kind-specific settings, as the kernel reports them and as a create
 * request states them.
 */
public sealed interface LinkKind {

    /** The IFLA_INFO_KIND string; null for a device without one (a physical NIC, loopback). */
    String kernelName();

    /** A device the kernel reports without link info: a physical NIC, loopback. */
    record Device() implements LinkKind {
        @Override
        public String kernelName() {
            return null;
        }
    }

    record Bridge(boolean vlanFiltering, int defaultPvid) implements LinkKind {
        public Bridge {
            if (defaultPvid != 0) {
                Arguments.vid("default_pvid", defaultPvid);
            }
        }

        @Override
        public String kernelName() {
            return "bridge";
        }
    }

    record Vlan(int id, VlanProtocol protocol) implements LinkKind {
        public Vlan {
            Arguments.vid("vlan id", id);
            Arguments.notNull("vlan protocol", protocol);
        }

        @Override
        public String kernelName() {
            return "vlan";
        }
    }

    /** One end of a veth pair; the peer's index is the link's {@link Link#parentIndex()}. */
    record Veth() implements LinkKind {
        @Override
        public String kernelName() {
            return "veth";
        }
    }

    /** A bond: its mode, its MII monitoring interval (ms, 0: off) and the rest of its {@link BondOptions}. */
    record Bond(BondMode mode, int miimon, BondOptions options) implements LinkKind {
        public Bond {
            Arguments.notNull("bond mode", mode);
            Arguments.nonNegative("miimon", miimon);
            Arguments.notNull("bond options", options);
        }

        /** A bond with every other option at the kernel's default. */
        public Bond(BondMode mode, int miimon) {
            this(mode, miimon, BondOptions.DEFAULTS);
        }

        public Bond withOptions(BondOptions newOptions) {
            return new Bond(mode, miimon, newOptions);
        }

        @Override
        public String kernelName() {
            return "bond";
        }
    }

    record Macvlan(MacvlanMode mode) implements LinkKind {
        public Macvlan {
            Arguments.notNull("macvlan mode", mode);
        }

        @Override
        public String kernelName() {
            return "macvlan";
        }
    }

    record Dummy() implements LinkKind {
        @Override
        public String kernelName() {
            return "dummy";
        }
    }

    /** A kind this library does not model (vxlan, tun...); only its name is kept. */
    record Other(String kernelName) implements LinkKind {
    }
}
