package io.vmnetd.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmnetd.netlink.nl.Message;
import io.vmnetd.netlink.nl.MessageBuilder;
import io.vmnetd.netlink.nl.NetlinkParseException;
import io.vmnetd.netlink.nl.Nl;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.nl.Rtnl.Ifla;
import io.vmnetd.netlink.nl.Structs.IfInfoMsg;
import io.vmnetd.netlink.sys.Native;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link LinkCodec#decodeBridgeMessage}: an AF_BRIDGE RTM_NEWLINK (a bridge's message about a port) as a link,
 * with the port's settings from IFLA_PROTINFO (the kernel nests it with NLA_F_NESTED), the bridge's own message
 * without a master, and the kernel's real port messages (golden, captured without VLAN filtering).
 */
class BridgeMessageLinkDecodeTest {

    @Test
    void aPortsLinkAttributesAndSettings() {
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_NEWLINK, 0)
                .struct(new IfInfoMsg(Native.AF_BRIDGE, 1, 7, Rtnl.IFF_UP | 0x100, 0).encode())
                .string(Ifla.IFNAME, "vm0")
                .u32(Ifla.MASTER, 3)
                .u32(Ifla.MTU, 1400)
                .u8(Ifla.OPERSTATE, OperState.UP.ordinal())
                .bytes(Ifla.ADDRESS, new byte[] {2, 0, 0, 0, 0, 9})
                .u32(Ifla.LINK, 8);
        int protinfo = m.beginNested(Ifla.PROTINFO | Nl.NLA_F_NESTED);
        m.u8(Rtnl.BrPort.STATE, Rtnl.BrState.FORWARDING);
        m.u8(Rtnl.BrPort.LEARNING, 0);
        m.u8(Rtnl.BrPort.ISOLATED, 1);
        m.endNested(protinfo);

        Link l = LinkCodec.decodeBridgeMessage(Message.parseAll(m.finish(1)).get(0));

        assertThat(l.index()).isEqualTo(7);
        assertThat(l.name()).isEqualTo("vm0");
        assertThat(l.masterIndex()).isEqualTo(3);
        assertThat(l.mtu()).isEqualTo(1400);
        assertThat(l.isUp()).isTrue();
        assertThat(l.isPromiscuous()).isTrue();
        assertThat(l.operState()).isEqualTo(OperState.UP);
        assertThat(l.mac()).contains(MacAddress.parse("02:00:00:00:00:09"));
        assertThat(l.parentIndex()).isEqualTo(8);
        assertThat(l.slaveKind()).contains("bridge");
        assertThat(l.bridgePort()).contains(new Link.BridgePort(Rtnl.BrState.FORWARDING, false, true));
        assertThat(l.kind()).isEqualTo(new LinkKind.Device());
        assertThat(l.parentNetnsId()).isEmpty();
    }

    @Test
    void theBridgesOwnMessageNamesItselfAsMasterAndIsNoPort() {
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_NEWLINK, 0)
                .struct(new IfInfoMsg(Native.AF_BRIDGE, 1, 3, 0, 0).encode())
                .string(Ifla.IFNAME, "br0")
                .u32(Ifla.MASTER, 3);
        Link l = LinkCodec.decodeBridgeMessage(Message.parseAll(m.finish(1)).get(0));
        assertThat(l.masterIndex()).isZero();
        assertThat(l.bridgePort()).isEmpty();
        assertThat(l.slaveKind()).isEmpty();
        assertThat(l.isUp()).isFalse();
    }

    @Test
    void aPortWithoutProtinfoHasTheKernelsDefaults() {
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_NEWLINK, 0)
                .struct(new IfInfoMsg(Native.AF_BRIDGE, 1, 4, 0, 0).encode())
                .string(Ifla.IFNAME, "p0")
                .u32(Ifla.MASTER, 3);
        Link l = LinkCodec.decodeBridgeMessage(Message.parseAll(m.finish(1)).get(0));
        assertThat(l.bridgePort()).contains(new Link.BridgePort(0, true, false));
    }

    @Test
    void aMessageWithoutAnIfnameIsAParseError() {
        MessageBuilder m = new MessageBuilder(Rtnl.RTM_NEWLINK, 0)
                .struct(new IfInfoMsg(Native.AF_BRIDGE, 1, 12, 0, 0).encode());
        assertThatThrownBy(() -> LinkCodec.decodeBridgeMessage(Message.parseAll(m.finish(1)).get(0)))
                .isInstanceOf(NetlinkParseException.class).hasMessageContaining("12");
    }

    @Test
    void kernelPortMessages() {
        assumeTrue(GoldenBytes.hostIsLittleEndian(), "golden data is in little-endian host order");
        List<Link> links = Message.parseAll(GoldenBytes.datagram("kernel/bridge-ports-dump.hex")).stream()
                .map(LinkCodec::decodeBridgeMessage).toList();
        assertThat(links).extracting(Link::name).containsExactly("br0", "veth1", "veth0");
        assertThat(links).extracting(Link::masterIndex).containsExactly(0, 2, 2);
        assertThat(links.get(1).bridgePort()).isPresent();
        assertThat(links).allSatisfy(l -> assertThat(l.mtu()).isPositive());
        assertThat(links.get(0).bridgePort()).isEqualTo(Optional.empty());
    }
}
