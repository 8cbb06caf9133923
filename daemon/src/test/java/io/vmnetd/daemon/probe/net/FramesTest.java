package io.vmnetd.daemon.probe.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FramesTest {
    private static final Ipv4Address GW = Ipv4Address.parse("10.0.0.1").orElseThrow();

    @Test
    void icmpAndHeaderChecksumsVerify() {
        Ipv4Packet reply = Ipv4Packet.echo(GW, Ipv4Address.ANY, true, 0x1234, 1, new byte[] {9});
        byte[] bytes = reply.encode();
        Ipv4Packet back = Ipv4Packet.decode(bytes).orElseThrow();

        assertThat(back).isEqualTo(reply);
        assertThat(back.isEchoReply(0x1234)).isTrue();
        assertThat(back.isEchoReply(0x1235)).isFalse();
        assertThat(Ipv4Packet.echo(GW, Ipv4Address.ANY, false, 0x1234, 1, new byte[] {9}).isEchoReply(0x1234))
                .as("a request").isFalse();
        bytes[10] ^= 1;
        assertThat(Ipv4Packet.decode(bytes)).as("a bad header checksum").isEmpty();
    }

    @Test
    void addressesParseAndMasksKnowTheirPrefixLength() {
        assertThat(Ipv4Address.parse("255.255.255.0").orElseThrow().prefixLength()).contains(24);
        assertThat(Ipv4Address.parse("255.0.255.0").orElseThrow().prefixLength()).isEmpty();
        assertThat(java.util.List.of("1.2.3", "1.2.3.256", "a.b.c.d", "1..2.3"))
                .allMatch(t -> Ipv4Address.parse(t).isEmpty());
    }
}
