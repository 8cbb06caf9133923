package io.vmnetd.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.netlink.nl.Message;
import io.vmnetd.netlink.nl.Nl;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.sys.Native;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * LinkCodec.decode reads back what LinkCodec.create and change wrote (the kernel echoes a created link in the same
 * attributes), and the generated corpus the robustness properties break is itself valid for its decoder.
 */
class LinkCodecRoundTripPropertyTest {

    @Property(tries = 300)
    void decodeInvertsCreate(@ForAll long seed) {
        LinkSpec spec = WireFuzz.randomSpec(new Random(seed));
        Link link = LinkCodec.decode(single(WireFuzz.bytes(LinkCodec.create(spec).finish(1))));
        assertThat(link.name()).isEqualTo(spec.name());
        assertThat(link.kind()).isEqualTo(spec.kind());
        assertThat(link.mtu()).isEqualTo(spec.mtu().orElse(0));
        assertThat(link.mac()).isEqualTo(spec.mac());
        assertThat(link.txQueueLength()).isEqualTo(spec.txQueueLength().orElse(0));
        assertThat(link.masterIndex()).isEqualTo(spec.masterIndex());
        assertThat(link.parentIndex()).isEqualTo(spec.parentIndex());
        assertThat(link.isUp()).isEqualTo(spec.isUp());
        assertThat(link.index()).isZero();
        assertThat(link.bridgePort()).isEmpty();
    }

    @Property(tries = 300)
    void decodeInvertsChangeWhenItRenames(@ForAll long seed) {
        Random r = new Random(seed);
        LinkChange change = WireFuzz.randomChange(r).name(WireFuzz.name(r));
        int index = 1 + r.nextInt(1000);
        Link link = LinkCodec.decode(single(WireFuzz.bytes(LinkCodec.change(index, change).finish(1))));
        assertThat(link.index()).isEqualTo(index);
        assertThat(link.name()).isEqualTo(change.newName().orElseThrow());
        assertThat(link.mtu()).isEqualTo(change.mtu().orElse(0));
        assertThat(link.mac()).isEqualTo(change.mac());
        assertThat(link.masterIndex()).isEqualTo(change.masterIndex().orElse(0));
        assertThat(link.isUp()).isEqualTo(change.upState().orElse(false));
        assertThat(link.isPromiscuous()).isEqualTo(change.promiscuous().orElse(false));
    }

    @Property(tries = 300)
    void generatedMessagesDecodeCleanlyWithTheirOwnDecoder(@ForAll long seed) {
        for (Message m : Message.parseAll(WireFuzz.wrap(WireFuzz.randomDatagram(new Random(seed))))) {
            boolean bridge = m.payload().limit() > 0 && m.payload().get(0) == Native.AF_BRIDGE;
            switch (m.type()) {
                case Rtnl.RTM_SETLINK -> { } // a change names its link by index only: covered above
                case Rtnl.RTM_NEWLINK, Rtnl.RTM_DELLINK -> {
                    if (bridge) {
                        PortVlans port = BridgeVlans.decodePort(m);
                        assertThat(port.vids().ranges()).hasSizeLessThanOrEqualTo(port.vlans().size());
                    } else {
                        assertThat(LinkCodec.decode(m).name()).isNotEmpty();
                    }
                    assertThat(LinkMonitor.decode(m)).isPresent();
                }
                case Rtnl.RTM_NEWADDR -> assertThat(Addresses.decode(m).prefix()).isNotNull();
                case Rtnl.RTM_NEWROUTE -> assertThat(Routes.decode(m).table()).isPositive();
                default -> assertThat(m.type()).isIn(Nl.NLMSG_ERROR, Nl.NLMSG_DONE);
            }
        }
    }

    private static Message single(byte[] wire) {
        List<Message> messages = Message.parseAll(WireFuzz.wrap(wire));
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }
}
