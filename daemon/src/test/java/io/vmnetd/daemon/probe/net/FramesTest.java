package io.vmnetd.daemon.probe.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.netlink.MacAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FramesTest {
    private static final MacAddress MINE = MacAddress.parse("02:00:00:00:00:01");
    private static final Ipv4Address GW = Ipv4Address.parse("10.0.0.1").orElseThrow();

    @Test
    void anArpProbeHasSenderIpZeroAndGoesToBroadcast() {
        byte[] frame = ArpPacket.probe(MINE, GW).frame().encode();

        assertThat(frame).hasSize(60);
        assertThat(HexFormat.of().formatHex(frame, 0, 42)).isEqualTo("ffffffffffff" + "020000000001" + "0806"
                + "0001080006040001" + "020000000001" + "00000000" + "000000000000" + "0a000001");
        ArpPacket decoded = ArpPacket.decode(EthernetFrame.decode(frame).orElseThrow().payload()).orElseThrow();
        assertThat(decoded).isEqualTo(ArpPacket.probe(MINE, GW));
    }

    @Test
    void udpAndIcmpChecksumsVerify() {
        Ipv4Packet udp = Ipv4Packet.udp(Ipv4Address.ANY, 68, Ipv4Address.BROADCAST, 67, new byte[] {1, 2, 3});
        byte[] bytes = udp.encode();
        Ipv4Packet back = Ipv4Packet.decode(bytes).orElseThrow();

        assertThat(back).isEqualTo(udp);
        assertThat(back.udpDataTo(67)).hasValueSatisfying(d -> assertThat(d).containsExactly(1, 2, 3));
        assertThat(back.udpDataTo(68)).isEmpty();
        // A UDP checksum over the pseudo header comes out as 0 (or 0xffff) when summed with itself.
        assertThat(Ipv4Packet.checksum(back.payload(), 0, back.payload().length,
                0 + 0 + 0xffff + 0xffff + 17 + back.payload().length)).isZero();

        Ipv4Packet reply = Ipv4Packet.echo(GW, Ipv4Address.ANY, true, 0x1234, 1, new byte[] {9});
        assertThat(Ipv4Packet.decode(reply.encode()).orElseThrow().isEchoReply(0x1234)).isTrue();
        assertThat(Ipv4Packet.decode(reply.encode()).orElseThrow().isEchoReply(0x1235)).isFalse();
        bytes[10] ^= 1;
        assertThat(Ipv4Packet.decode(bytes)).as("a bad header checksum").isEmpty();
    }

    @Test
    void backoffDoublesUpToItsCapWithinTheJitter() {
        Backoff b = new Backoff(java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(350), 0.1);

        assertThat(b.delay(0).toMillis()).isBetween(90L, 110L);
        assertThat(b.delay(1).toMillis()).isBetween(180L, 220L);
        assertThat(b.delay(2).toMillis()).isBetween(315L, 385L);
        assertThat(b.delay(40).toMillis()).isBetween(315L, 385L);
    }
}
