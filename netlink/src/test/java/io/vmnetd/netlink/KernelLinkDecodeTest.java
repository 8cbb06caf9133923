package io.vmnetd.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmnetd.netlink.nl.Message;
import io.vmnetd.netlink.nl.Nl;
import io.vmnetd.netlink.nl.Rtnl;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LinkCodec.decode and LinkMonitor.decode on RTM_NEWLINK/RTM_DELLINK messages the kernel produced
 * (golden/kernel, captured with strace from iproute2 in a throw-away namespace; see golden/README.md).
 */
class KernelLinkDecodeTest {

    @BeforeAll
    static void littleEndianHost() {
        assumeTrue(GoldenBytes.hostIsLittleEndian(), "captures are in little-endian host order");
    }

    private static Message only(String path) {
        List<Message> messages = Message.parseAll(GoldenBytes.datagram(path));
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }

    @Test
    void bridgeDeviceWithItsMtuMacAndState() {
        Message m = only("kernel/link-br0.hex");
        assertThat(m.type()).isEqualTo(Rtnl.RTM_NEWLINK);
        assertThat(m.sequence()).isEqualTo(0x6b0abd82);
        Link br0 = LinkCodec.decode(m);
        assertThat(br0.index()).isEqualTo(2);
        assertThat(br0.name()).isEqualTo("br0");
        assertThat(br0.kind()).isEqualTo(new LinkKind.Bridge(false, 0)); // no VLAN filtering in that kernel
        assertThat(br0.mtu()).isEqualTo(1400);
        assertThat(br0.minMtu()).isEqualTo(68);
        assertThat(br0.maxMtu()).isEqualTo(65535);
        assertThat(br0.txQueueLength()).isEqualTo(1000);
        assertThat(br0.mac()).contains(MacAddress.parse("02:00:5e:00:00:b0"));
        assertThat(br0.flags()).isEqualTo(0x11043); // UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP
        assertThat(br0.isUp()).isTrue();
        assertThat(br0.hasCarrier()).isTrue();
        assertThat(br0.operState()).isEqualTo(OperState.UP);
        assertThat(br0.masterIndex()).isZero();
        assertThat(br0.parentIndex()).isZero();
        assertThat(br0.parentNetnsId()).isEmpty();
        assertThat(br0.slaveKind()).isEmpty();
        assertThat(br0.bridgePort()).isEmpty();
        assertThat(br0.promiscuity()).isZero();
    }

    @Test
    void vethEnslavedToTheBridgeWithItsPeerAndPortState() {
        Link veth0 = LinkCodec.decode(only("kernel/link-veth0.hex"));
        assertThat(veth0.index()).isEqualTo(4);
        assertThat(veth0.name()).isEqualTo("veth0");
        assertThat(veth0.kind()).isEqualTo(new LinkKind.Veth());
        assertThat(veth0.mtu()).isEqualTo(1500);
        assertThat(veth0.mac()).contains(MacAddress.parse("02:00:5e:10:00:01"));
        assertThat(veth0.masterIndex()).isEqualTo(2);
        assertThat(veth0.hasMaster()).isTrue();
        assertThat(veth0.parentIndex()).as("the peer, veth1").isEqualTo(3);
        assertThat(veth0.parentNetnsId()).isEmpty();
        assertThat(veth0.slaveKind()).contains("bridge");
        assertThat(veth0.bridgePort()).contains(new Link.BridgePort(Rtnl.BrState.FORWARDING, true, false));
        assertThat(veth0.bridgePort().orElseThrow().isForwarding()).isTrue();
        assertThat(veth0.promiscuity()).as("a bridge port is promiscuous").isEqualTo(1);
        assertThat(veth0.isPromiscuous()).as("IFF_PROMISC itself is not set").isFalse();
        assertThat(veth0.operState()).isEqualTo(OperState.UP);
    }

    @Test
    void vethPeerNotEnslavedPointsBackAtVeth0() {
        Link veth1 = LinkCodec.decode(only("kernel/link-veth1.hex"));
        assertThat(veth1.index()).isEqualTo(3);
        assertThat(veth1.name()).isEqualTo("veth1");
        assertThat(veth1.kindAs(LinkKind.Veth.class)).isPresent();
        assertThat(veth1.kindAs(LinkKind.Bridge.class)).isEmpty();
        assertThat(veth1.parentIndex()).isEqualTo(4);
        assertThat(veth1.mac()).contains(MacAddress.parse("02:00:5e:10:00:02"));
        assertThat(veth1.masterIndex()).isZero();
        assertThat(veth1.slaveKind()).isEmpty();
        assertThat(veth1.bridgePort()).isEmpty();
    }

    @Test
    void dumpDatagramHoldsFourLinksWithStatsAndLoopbackHasNoKind() {
        List<Message> dump = Message.parseAll(GoldenBytes.datagram("kernel/link-dump.hex"));
        assertThat(dump).hasSize(4).allSatisfy(m -> {
            assertThat(m.type()).isEqualTo(Rtnl.RTM_NEWLINK);
            assertThat(m.has(Nl.F_MULTI)).isTrue();
        });
        List<Link> links = dump.stream().map(LinkCodec::decode).toList();
        assertThat(links).extracting(Link::name).containsExactly("lo", "br0", "veth1", "veth0");
        assertThat(links).extracting(Link::index).containsExactly(1, 2, 3, 4);
        Link lo = links.get(0);
        assertThat(lo.kind()).isEqualTo(new LinkKind.Device());
        assertThat(lo.mtu()).isEqualTo(65536);
        assertThat(lo.flags() & Rtnl.IFF_LOOPBACK).isNotZero();
        assertThat(lo.mac()).contains(new MacAddress(0));
        assertThat(links.get(1).kind()).isInstanceOf(LinkKind.Bridge.class);
        assertThat(links.get(3).bridgePort()).map(Link.BridgePort::state).contains(Rtnl.BrState.FORWARDING);
        assertThat(links.get(3).masterIndex()).isEqualTo(2);
    }

    @Test
    void dumpEndsWithAnEmptyDone() {
        Message done = only("kernel/link-dump-done.hex");
        assertThat(done.type()).isEqualTo(Nl.NLMSG_DONE);
        assertThat(done.has(Nl.F_MULTI)).isTrue();
        assertThat(done.payload().limit()).isEqualTo(4);
        assertThat(done.payload().getInt(0)).isZero();
    }

    @Test
    void monitorTurnsADellinkNotificationIntoLinkDeleted() {
        Message m = only("kernel/monitor-dellink.hex");
        assertThat(m.type()).isEqualTo(Rtnl.RTM_DELLINK);
        assertThat(m.sequence()).as("notifications carry no sequence").isZero();
        LinkEvent e = LinkMonitor.decode(m).orElseThrow();
        assertThat(e.type()).isEqualTo(LinkEvent.Type.LINK_DELETED);
        assertThat(e.name()).contains("va");
        Link va = e.link().orElseThrow();
        assertThat(va.index()).isEqualTo(7);
        assertThat(va.kind()).isEqualTo(new LinkKind.Veth());
        assertThat(va.mtu()).isEqualTo(9000);
        assertThat(va.mac()).contains(MacAddress.parse("56:fb:d4:01:10:9d"));
        assertThat(va.isUp()).isFalse();
        assertThat(e.port()).isEmpty();
    }

    @Test
    void monitorTurnsAnAfUnspecNewlinkIntoLinkUpdated() {
        LinkEvent e = LinkMonitor.decode(only("kernel/link-veth0.hex")).orElseThrow();
        assertThat(e.type()).isEqualTo(LinkEvent.Type.LINK_UPDATED);
        assertThat(e.link()).map(Link::masterIndex).contains(2);
    }

    @Test
    void monitorTurnsAfBridgeNewlinksIntoPortUpdated() {
        List<Message> dump = Message.parseAll(GoldenBytes.datagram("kernel/bridge-ports-dump.hex"));
        assertThat(dump).hasSize(3);
        List<LinkEvent> events = dump.stream().map(m -> LinkMonitor.decode(m).orElseThrow()).toList();
        assertThat(events).extracting(LinkEvent::type).containsOnly(LinkEvent.Type.PORT_UPDATED);
        assertThat(events).extracting(LinkEvent::link).containsOnly(Optional.empty());
        assertThat(events).extracting(e -> e.name().orElseThrow()).containsExactly("br0", "veth1", "veth0");
    }

    @Test
    void monitorIgnoresWhatIsNotALinkMessage() {
        Message addr = Message.parseAll(GoldenBytes.datagram("kernel/addr-dump.hex")).get(0);
        assertThat(LinkMonitor.decode(addr)).isEmpty();
        assertThat(LinkMonitor.decode(only("kernel/link-dump-done.hex"))).isEmpty();
    }
}
