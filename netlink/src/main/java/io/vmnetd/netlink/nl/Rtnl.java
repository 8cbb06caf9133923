package io.vmnetd.netlink.nl;

/** rtnetlink message types, groups and attribute numbers (linux/rtnetlink.h, if_link.h, if_bridge.h...). */
public final class Rtnl {
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_SETLINK = 19;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_DELADDR = 21;
    public static final int RTM_GETADDR = 22;
    public static final int RTM_NEWROUTE = 24;
    public static final int RTM_DELROUTE = 25;
    public static final int RTM_GETROUTE = 26;
    public static final int RTM_NEWNEIGH = 28;
    public static final int RTM_DELNEIGH = 29;
    public static final int RTM_GETNEIGH = 30;
    public static final int RTM_SETNEIGHTBL = 67;
    public static final int RTM_NEWVLAN = 112;
    public static final int RTM_DELVLAN = 113;
    public static final int RTM_GETVLAN = 114;

    public static final int RTNLGRP_LINK = 1;

    public static final int RTEXT_FILTER_BRVLAN = 1 << 1;
    public static final int RTEXT_FILTER_BRVLAN_COMPRESSED = 1 << 2;
    public static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;

    public static final int IFF_UP = 0x1;
    public static final int IFF_LOOPBACK = 0x8;
    public static final int IFF_RUNNING = 0x40;
    public static final int IFF_PROMISC = 0x100;
    public static final int IFF_MASTER = 0x400;
    public static final int IFF_SLAVE = 0x800;
    public static final int IFF_LOWER_UP = 0x10000;

    public static final int ETH_P_8021Q = 0x8100;
    public static final int ETH_P_8021AD = 0x88a8;

    private Rtnl() {}

    /** IFLA_*: link attributes. */
    public static final class Ifla {
        public static final int ADDRESS = 1;
        public static final int BROADCAST = 2;
        public static final int IFNAME = 3;
        public static final int MTU = 4;
        public static final int LINK = 5;
        public static final int MASTER = 10;
        public static final int PROTINFO = 12;
        public static final int TXQLEN = 13;
        public static final int OPERSTATE = 16;
        public static final int LINKINFO = 18;
        public static final int NET_NS_PID = 19;
        public static final int AF_SPEC = 26;
        public static final int NET_NS_FD = 28;
        public static final int EXT_MASK = 29;
        public static final int PROMISCUITY = 30;
        public static final int CARRIER = 33;
        public static final int LINK_NETNSID = 37;
        public static final int MIN_MTU = 50;
        public static final int MAX_MTU = 51;

        private Ifla() {}
    }

    /** IFLA_INFO_*: inside IFLA_LINKINFO. */
    public static final class Info {
        public static final int KIND = 1;
        public static final int DATA = 2;
        public static final int SLAVE_KIND = 4;
        public static final int SLAVE_DATA = 5;

        private Info() {}
    }

    /** IFLA_BR_*: bridge device options. */
    public static final class Br {
        public static final int STP_STATE = 5;
        public static final int VLAN_FILTERING = 7;
        public static final int VLAN_PROTOCOL = 8;
        public static final int VLAN_DEFAULT_PVID = 39;

        private Br() {}
    }

    /** IFLA_BRPORT_*: bridge port options (IFLA_PROTINFO or bridge_slave data). */
    public static final class BrPort {
        public static final int STATE = 1;
        public static final int LEARNING = 8;
        public static final int UNICAST_FLOOD = 9;
        public static final int ISOLATED = 33;

        private BrPort() {}
    }

    /** BR_STATE_*: STP states of a bridge port. */
    public static final class BrState {
        public static final int DISABLED = 0;
        public static final int LISTENING = 1;
        public static final int LEARNING = 2;
        public static final int FORWARDING = 3;
        public static final int BLOCKING = 4;

        private BrState() {}
    }

    /** IFLA_VLAN_*: 802.1Q / 802.1ad subinterface options. */
    public static final class Vlan {
        public static final int ID = 1;
        public static final int PROTOCOL = 5;

        private Vlan() {}
    }

    public static final class Veth {
        public static final int INFO_PEER = 1;

        private Veth() {}
    }

    /** IFLA_BOND_*. */
    public static final class Bond {
        public static final int MODE = 1;
        public static final int MIIMON = 3;
        public static final int UPDELAY = 4;
        public static final int DOWNDELAY = 5;
        public static final int PRIMARY = 11;
        public static final int XMIT_HASH_POLICY = 14;
        public static final int MIN_LINKS = 18;
        public static final int AD_LACP_RATE = 21;
        public static final int AD_SELECT = 22;

        private Bond() {}
    }

    /** IFLA_MACVLAN_*. */
    public static final class Macvlan {
        public static final int MODE = 1;

        private Macvlan() {}
    }

    /** IFLA_BRIDGE_* inside IFLA_AF_SPEC of an AF_BRIDGE message, and bridge_vlan_info flags. */
    public static final class BridgeSpec {
        public static final int FLAGS = 0;
        public static final int VLAN_INFO = 2;

        public static final int FLAGS_MASTER = 1;
        public static final int FLAGS_SELF = 2;

        public static final int VLAN_INFO_MASTER = 1 << 0;
        public static final int VLAN_INFO_PVID = 1 << 1;
        public static final int VLAN_INFO_UNTAGGED = 1 << 2;
        public static final int VLAN_INFO_RANGE_BEGIN = 1 << 3;
        public static final int VLAN_INFO_RANGE_END = 1 << 4;
        public static final int VLAN_INFO_BRENTRY = 1 << 5;

        private BridgeSpec() {}
    }

    /** BRIDGE_VLANDB_*: RTM_GETVLAN entries. */
    public static final class VlanDb {
        public static final int ENTRY = 1;
        public static final int ENTRY_INFO = 1;
        public static final int ENTRY_RANGE = 2;
        public static final int ENTRY_STATE = 3;

        private VlanDb() {}
    }

    /** IFLA_INET6_*: inside IFLA_AF_SPEC's AF_INET6 attribute, and IN6_ADDR_GEN_MODE_* values. */
    public static final class Inet6 {
        public static final int ADDR_GEN_MODE = 8;

        private Inet6() {}
    }

    /** NDA_*: neighbour attributes; NTF_* flags and NUD_* states of struct ndmsg. */
    public static final class Nda {
        public static final int DST = 1;
        public static final int LLADDR = 2;
        public static final int PROBES = 4;
        public static final int IFINDEX = 8;

        /** ndm_flags: act as if a packet needed the neighbour, starting resolution (no state is written). */
        public static final int NTF_USE = 0x01;

        private Nda() {}
    }

    /** NDTA_* of a neighbour table and NDTPA_* of its parameters (one set per device). */
    public static final class Ndt {
        public static final int NAME = 1;
        public static final int PARMS = 6;

        public static final int PARMS_IFINDEX = 1;
        public static final int PARMS_RETRANS_TIME = 5;
        public static final int PARMS_APP_PROBES = 9;
        public static final int PARMS_UCAST_PROBES = 10;
        public static final int PARMS_MCAST_PROBES = 11;

        private Ndt() {}
    }

    /** IFA_*: address attributes. */
    public static final class Ifa {
        public static final int ADDRESS = 1;
        public static final int LOCAL = 2;
        public static final int LABEL = 3;
        public static final int BROADCAST = 4;
        public static final int FLAGS = 8;

        public static final int F_NODAD = 0x02;
        public static final int F_PERMANENT = 0x80;

        private Ifa() {}
    }

    /** RTA_* route attributes and rtmsg field values. */
    public static final class Rta {
        public static final int DST = 1;
        public static final int OIF = 4;
        public static final int GATEWAY = 5;
        public static final int PRIORITY = 6;
        public static final int PREFSRC = 7;
        public static final int TABLE = 15;

        public static final int TABLE_MAIN = 254;
        public static final int PROT_BOOT = 3;
        public static final int PROT_KERNEL = 2;
        public static final int PROT_STATIC = 4;
        public static final int SCOPE_UNIVERSE = 0;
        public static final int SCOPE_LINK = 253;
        public static final int SCOPE_HOST = 254;
        public static final int TYPE_UNICAST = 1;
        public static final int TYPE_LOCAL = 2;

        private Rta() {}
    }
}
