package io.vmnetd.netlink;

import static io.vmnetd.netlink.GoldenBytes.bytesOf;
import static io.vmnetd.netlink.GoldenBytes.hex;
import static io.vmnetd.netlink.GoldenBytes.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmnetd.netlink.nl.MessageBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LinkCodec's requests, byte for byte, against hand-written messages whose every field is spelled out from
 * linux/netlink.h, rtnetlink.h and if_link.h. Host (little-endian) order except IFLA_VLAN_PROTOCOL (__be16).
 */
class LinkCodecEncodeGoldenTest {
    /** finish(SEQ) writes nlmsg_seq as 04 03 02 01. */
    private static final int SEQ = 0x01020304;

    @BeforeAll
    static void littleEndianHost() {
        assumeTrue(GoldenBytes.hostIsLittleEndian(), "expectations are written in little-endian host order");
    }

    private static void assertEncodes(MessageBuilder m, String expectedHex) {
        assertThat(toHex(bytesOf(m.finish(SEQ)))).isEqualTo(toHex(hex(expectedHex)));
    }

    @Test
    void bridgeWithVlanFilteringAndDefaultPvid1() {
        assertEncodes(LinkCodec.create(LinkSpec.bridge("br0", true, 1)), """
                4c000000            # nlmsg_len = 76
                1000                # nlmsg_type = RTM_NEWLINK (16)
                0006                # nlmsg_flags = NLM_F_CREATE|NLM_F_EXCL (0x600); Connection adds REQUEST|ACK
                04030201            # nlmsg_seq = 0x01020304
                00000000            # nlmsg_pid = 0 (the kernel)
                00 00 0000          # ifinfomsg: ifi_family AF_UNSPEC, pad, ifi_type 0
                00000000            #   ifi_index 0 (assigned by the kernel)
                00000000 00000000   #   ifi_flags 0, ifi_change 0 (not up)
                0800 0300 62723000  # IFLA_IFNAME (3) len 8: "br0\\0"
                2400 1200           # IFLA_LINKINFO (18) len 36, nested
                  0b00 0100 627269646765 00 00  # IFLA_INFO_KIND (1) len 11: "bridge\\0" + 1 pad byte
                  1400 0200                     # IFLA_INFO_DATA (2) len 20, nested
                    0500 0700 01 000000         # IFLA_BR_VLAN_FILTERING (7) len 5: u8 1 + 3 pad
                    0600 2700 0100 0000         # IFLA_BR_VLAN_DEFAULT_PVID (39) len 6: u16 1 + 2 pad
                """);
    }

    @Test
    void bridgeWithoutVlanFilteringLeavesTheOptionOut() {
        assertEncodes(LinkCodec.create(LinkSpec.bridge("br0", false, 0)), """
                3c000000 1000 0006 04030201 00000000   # nlmsghdr: len 60, RTM_NEWLINK, CREATE|EXCL
                00000000 00000000 00000000 00000000    # ifinfomsg: all zero
                0800 0300 62723000                     # IFLA_IFNAME "br0\\0"
                1400 1200                              # IFLA_LINKINFO len 20
                  0b00 0100 627269646765 00 00         #   IFLA_INFO_KIND "bridge\\0" + pad
                  0400 0200                            #   IFLA_INFO_DATA len 4: empty (kernel defaults)
                """);
    }

    @Test
    void vethWithPeerNameAndMtuOnBothEnds() {
        assertEncodes(LinkCodec.create(LinkSpec.veth("veth0", "veth1").mtu(9000)), """
                70000000            # nlmsg_len = 112
                1000 0006           # RTM_NEWLINK, NLM_F_CREATE|NLM_F_EXCL
                04030201 00000000   # seq, pid 0
                00000000 00000000 00000000 00000000   # ifinfomsg: AF_UNSPEC, index 0, flags 0, change 0
                0a00 0300 7665746830 00 0000          # IFLA_IFNAME (3) len 10: "veth0\\0" + 2 pad
                0800 0400 28230000                    # IFLA_MTU (4) len 8: u32 9000
                3c00 1200                             # IFLA_LINKINFO (18) len 60
                  0900 0100 76657468 00 000000        #   IFLA_INFO_KIND len 9: "veth\\0" + 3 pad
                  2c00 0200                           #   IFLA_INFO_DATA len 44
                    2800 0100                         #     VETH_INFO_PEER (1) len 40, no NLA_F_NESTED
                      00000000 00000000 00000000 00000000  # peer's ifinfomsg: all zero
                      0a00 0300 7665746831 00 0000    #       IFLA_IFNAME len 10: "veth1\\0" + 2 pad
                      0800 0400 28230000              #       IFLA_MTU len 8: 9000, same as this end
                """);
    }

    @Test
    void vlan8021qOnAParentIndex() {
        assertEncodes(LinkCodec.create(LinkSpec.vlan("eth0.100", 5, 100, VlanProtocol.IEEE_802_1Q)), """
                5c000000 1000 0006 04030201 00000000  # nlmsghdr: len 92, RTM_NEWLINK, CREATE|EXCL, seq, pid
                00000000 00000000 00000000 00000000   # ifinfomsg: all zero
                0d00 0300 657468302e313030 00 000000  # IFLA_IFNAME len 13: "eth0.100\\0" + 3 pad
                0800 0500 05000000                    # IFLA_LINK (5) len 8: parent index 5
                2400 1200                             # IFLA_LINKINFO len 36
                  0900 0100 766c616e 00 000000        #   IFLA_INFO_KIND len 9: "vlan\\0" + 3 pad
                  1400 0200                           #   IFLA_INFO_DATA len 20
                    0600 0100 6400 0000               #     IFLA_VLAN_ID (1) len 6: u16 100 (host order) + pad
                    0600 0500 8100 0000               #     IFLA_VLAN_PROTOCOL (5) len 6: be16 0x8100 + pad
                """);
    }

    @Test
    void vlan8021adPutsItsEthertypeInNetworkOrder() {
        assertEncodes(LinkCodec.create(LinkSpec.vlan("eth0.200", 5, 200, VlanProtocol.IEEE_802_1AD)), """
                5c000000 1000 0006 04030201 00000000  # nlmsghdr: len 92
                00000000 00000000 00000000 00000000   # ifinfomsg
                0d00 0300 657468302e323030 00 000000  # IFLA_IFNAME "eth0.200\\0"
                0800 0500 05000000                    # IFLA_LINK 5
                2400 1200                             # IFLA_LINKINFO len 36
                  0900 0100 766c616e 00 000000        #   IFLA_INFO_KIND "vlan\\0"
                  1400 0200                           #   IFLA_INFO_DATA len 20
                    0600 0100 c800 0000               #     IFLA_VLAN_ID u16 200 (c8 00: little-endian)
                    0600 0500 88a8 0000               #     IFLA_VLAN_PROTOCOL 0x88a8 (88 a8: big-endian)
                """);
    }

    @Test
    void bondActiveBackupWithMiimon100() {
        assertEncodes(LinkCodec.create(LinkSpec.bond("bond0", BondMode.ACTIVE_BACKUP, 100)), """
                50000000 1000 0006 04030201 00000000  # nlmsghdr: len 80, RTM_NEWLINK, CREATE|EXCL
                00000000 00000000 00000000 00000000   # ifinfomsg
                0a00 0300 626f6e6430 00 0000          # IFLA_IFNAME len 10: "bond0\\0" + 2 pad
                2400 1200                             # IFLA_LINKINFO len 36
                  0900 0100 626f6e64 00 000000        #   IFLA_INFO_KIND len 9: "bond\\0" + 3 pad
                  1400 0200                           #   IFLA_INFO_DATA len 20
                    0500 0100 01 000000               #     IFLA_BOND_MODE (1) len 5: u8 1 (active-backup)
                    0800 0300 64000000                #     IFLA_BOND_MIIMON (3) len 8: u32 100
                """);
    }

    @Test
    void dummyCreatedUpWithMacTxQueueLengthAndMaster() {
        LinkSpec spec = LinkSpec.dummy("d0").up().mac(MacAddress.parse("02:00:5e:00:00:01")).txQueueLength(500).master(2);
        assertEncodes(LinkCodec.create(spec), """
                54000000 1000 0006 04030201 00000000  # nlmsghdr: len 84
                00 00 0000 00000000                   # ifinfomsg: AF_UNSPEC, type 0, index 0
                01000000 01000000                     #   ifi_flags IFF_UP, ifi_change IFF_UP
                0700 0300 643000 00                   # IFLA_IFNAME len 7: "d0\\0" + 1 pad
                0a00 0100 02005e000001 0000           # IFLA_ADDRESS (1) len 10: 6 bytes + 2 pad
                0800 0d00 f4010000                    # IFLA_TXQLEN (13): u32 500
                0800 0a00 02000000                    # IFLA_MASTER (10): u32 2
                1000 1200                             # IFLA_LINKINFO len 16
                  0a00 0100 64756d6d79 00 0000        #   IFLA_INFO_KIND len 10: "dummy\\0" + 2 pad; no DATA
                """);
    }

    @Test
    void changeUpMtuAndMasterInOneSetlink() {
        assertEncodes(LinkCodec.change(3, LinkChange.create().up().mtu(1400).master(2)), """
                30000000            # nlmsg_len = 48
                1300                # nlmsg_type = RTM_SETLINK (19)
                0000                # nlmsg_flags = 0; Connection adds REQUEST|ACK
                04030201 00000000   # seq, pid
                00 00 0000          # ifinfomsg: AF_UNSPEC, type 0
                03000000            #   ifi_index 3
                01000000            #   ifi_flags IFF_UP
                01000000            #   ifi_change IFF_UP: only the UP bit is touched
                0800 0400 78050000  # IFLA_MTU (4): u32 1400
                0800 0a00 02000000  # IFLA_MASTER (10): u32 2
                """);
    }

    @Test
    void changeDownAndNoMasterClearsTheBitAndSendsMasterZero() {
        assertEncodes(LinkCodec.change(7, LinkChange.create().down().noMaster()), """
                28000000 1300 0000 04030201 00000000  # nlmsghdr: len 40, RTM_SETLINK
                00 00 0000 07000000                   # ifinfomsg: index 7
                00000000 01000000                     #   ifi_flags 0 under ifi_change IFF_UP: set down
                0800 0a00 00000000                    # IFLA_MASTER 0: leave the master
                """);
    }

    @Test
    void bridgeWithVlanFilteringAndNoDefaultPvidSaysZeroExplicitly() {
        assertEncodes(LinkCodec.create(LinkSpec.bridge("br0", true, 0)), """
                4c000000 1000 0006 04030201 00000000  # nlmsghdr: len 76
                00000000 00000000 00000000 00000000   # ifinfomsg
                0800 0300 62723000                    # IFLA_IFNAME "br0\\0"
                2400 1200                             # IFLA_LINKINFO len 36
                  0b00 0100 627269646765 00 00        #   IFLA_INFO_KIND "bridge\\0" + pad
                  1400 0200                           #   IFLA_INFO_DATA len 20
                    0500 0700 01 000000               #     IFLA_BR_VLAN_FILTERING u8 1
                    0600 2700 0000 0000               #     IFLA_BR_VLAN_DEFAULT_PVID u16 0: no PVID, not the kernel's 1
                """);
    }

    @Test
    void modifyBridgeSendsOnlyWhatChanges() {
        assertEncodes(LinkCodec.modify(2, new LinkKind.Bridge(false, 0), new LinkKind.Bridge(true, 10)), """
                44000000            # nlmsg_len 68
                1000 0000           # RTM_NEWLINK without NLM_F_CREATE: the kind's changelink
                04030201 00000000   # seq, pid
                00 00 0000 02000000 00000000 00000000  # ifinfomsg: index 2, flags/change untouched
                2400 1200                             # IFLA_LINKINFO len 36
                  0b00 0100 627269646765 00 00        #   IFLA_INFO_KIND "bridge\\0" + pad
                  1400 0200                           #   IFLA_INFO_DATA len 20
                    0500 0700 01 000000               #     IFLA_BR_VLAN_FILTERING u8 1
                    0600 2700 0a00 0000               #     IFLA_BR_VLAN_DEFAULT_PVID u16 10
                """);
    }

    @Test
    void modifyBondSendsItsMiimonWithTheDelaysItWouldOtherwiseScale() {
        assertEncodes(LinkCodec.modify(5, new LinkKind.Bond(BondMode.ACTIVE_BACKUP, 100),
                new LinkKind.Bond(BondMode.ACTIVE_BACKUP, 200)), """
                4c000000 1000 0000 04030201 00000000  # nlmsghdr: len 76, RTM_NEWLINK, no flags
                00 00 0000 05000000 00000000 00000000 # ifinfomsg: index 5
                2c00 1200                             # IFLA_LINKINFO len 44
                  0900 0100 626f6e64 00 000000        #   IFLA_INFO_KIND "bond\\0" + 3 pad
                  1c00 0200                           #   IFLA_INFO_DATA len 28
                    0800 0300 c8000000                #     IFLA_BOND_MIIMON u32 200
                    0800 0400 00000000                #     IFLA_BOND_UPDELAY (4) u32 0 ms
                    0800 0500 00000000                #     IFLA_BOND_DOWNDELAY (5) u32 0 ms
                """);
    }

    @Test
    void bond8023adWithItsOptionsSendsThoseThatAreNotDefaults() {
        BondOptions options = BondOptions.DEFAULTS.withLacpRate(BondOptions.LacpRate.FAST)
                .withAdSelect(BondOptions.AdSelect.BANDWIDTH).withXmitHashPolicy(BondOptions.XmitHashPolicy.LAYER3_4)
                .withMinLinks(2).withUpdelay(200);
        assertEncodes(LinkCodec.create(LinkSpec.bond("bond0", new LinkKind.Bond(BondMode.IEEE_802_3AD, 100, options))),
                """
                78000000 1000 0006 04030201 00000000  # nlmsghdr: len 120, RTM_NEWLINK, CREATE|EXCL
                00000000 00000000 00000000 00000000   # ifinfomsg
                0a00 0300 626f6e6430 00 0000          # IFLA_IFNAME "bond0\\0" + 2 pad
                4c00 1200                             # IFLA_LINKINFO len 76
                  0900 0100 626f6e64 00 000000        #   IFLA_INFO_KIND "bond\\0" + 3 pad
                  3c00 0200                           #   IFLA_INFO_DATA len 60
                    0500 0100 04 000000               #     IFLA_BOND_MODE u8 4 (802.3ad)
                    0800 0300 64000000                #     IFLA_BOND_MIIMON u32 100
                    0800 0400 c8000000                #     IFLA_BOND_UPDELAY (4) u32 200; downdelay 0 is the default
                    0500 0e00 01 000000               #     IFLA_BOND_XMIT_HASH_POLICY (14) u8 1 (layer3+4)
                    0800 1200 02000000                #     IFLA_BOND_MIN_LINKS (18) u32 2
                    0500 1500 01 000000               #     IFLA_BOND_AD_LACP_RATE (21) u8 1 (fast)
                    0500 1600 01 000000               #     IFLA_BOND_AD_SELECT (22) u8 1 (bandwidth)
                """);
    }

    @Test
    void modifyBondSendsOnlyTheOptionsThatChangeAndClearsAPrimaryWithIndexZero() {
        LinkKind.Bond have = new LinkKind.Bond(BondMode.ACTIVE_BACKUP, 100, BondOptions.DEFAULTS.withPrimaryIndex(7));
        LinkKind.Bond want = new LinkKind.Bond(BondMode.ACTIVE_BACKUP, 100, BondOptions.DEFAULTS.withDowndelay(300));
        assertEncodes(LinkCodec.modify(5, have, want), """
                44000000 1000 0000 04030201 00000000  # nlmsghdr: len 68
                00 00 0000 05000000 00000000 00000000 # ifinfomsg: index 5
                2400 1200                             # IFLA_LINKINFO len 36
                  0900 0100 626f6e64 00 000000        #   IFLA_INFO_KIND "bond\\0" + 3 pad
                  1400 0200                           #   IFLA_INFO_DATA len 20
                    0800 0500 2c010000                #     IFLA_BOND_DOWNDELAY u32 300
                    0800 0b00 00000000                #     IFLA_BOND_PRIMARY (11) u32 0: no primary
                """);
    }
}
