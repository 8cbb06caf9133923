package io.vmnetd.daemon.dhcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire format of RFC 2131/2132, byte by byte where it matters to a server. */
class DhcpMessageTest {
    private static final byte[] MAC = HexFormat.of().parseHex("020000000001");

    @Test
    void aDiscoverIsABroadcastBootRequestOfAtLeast300BytesWithTheMessageTypeFirst() {
        Map<Integer, byte[]> o = new LinkedHashMap<>();
        o.put(DhcpMessage.OPT_CLIENT_ID, new byte[] {0, 'x'});
        byte[] wire = DhcpMessage.request(DhcpMessage.Type.DISCOVER, 0x01020304, DhcpMessage.FLAG_BROADCAST,
                DhcpMessage.ANY, MAC, o).encode();

        assertThat(wire.length).isEqualTo(300);
        ByteBuffer b = ByteBuffer.wrap(wire);
        assertThat(HexFormat.of().formatHex(wire, 0, 12)).isEqualTo("010106000102030400008000");
        assertThat(HexFormat.of().formatHex(wire, 28, 34)).isEqualTo("020000000001");
        assertThat(b.getInt(236)).isEqualTo(0x63825363);
        // option 53 (DISCOVER) first, then 61, then END, then padding
        assertThat(HexFormat.of().formatHex(wire, 240, 251)).isEqualTo("350101" + "3d020078" + "ff" + "000000");
    }

    @Test
    void aReplyDecodesWithItsOptionsAndConcatenatesARepeatedOne() {
        ByteBuffer b = ByteBuffer.allocate(300);
        b.put(new byte[] {2, 1, 6, 0}).putInt(7).putShort((short) 0).putShort((short) 0x8000);
        b.put(new byte[4]).put(new byte[] {10, 0, 0, 9}).put(new byte[4]).put(new byte[4]);
        b.put(MAC);
        b.position(236);
        b.putInt(0x63825363);
        b.put(new byte[] {53, 1, 2, 1, 4, (byte) 255, (byte) 255, (byte) 255, 0, 0, 3, 2, 10, 0, 3, 2, 0, 1,
                51, 4, 0, 0, 0, 120, (byte) 255});

        DhcpMessage m = DhcpMessage.decode(b.array(), 300);

        assertThat(m.type()).contains(DhcpMessage.Type.OFFER);
        assertThat(m.xid()).isEqualTo(7);
        assertThat(m.yiaddr().getHostAddress()).isEqualTo("10.0.0.9");
        assertThat(m.addressOption(DhcpMessage.OPT_SUBNET_MASK).map(Inet4Address::getHostAddress))
                .contains("255.255.255.0");
        assertThat(m.addressOption(DhcpMessage.OPT_ROUTER).map(Inet4Address::getHostAddress)).contains("10.0.0.1");
        assertThat(m.secondsOption(DhcpMessage.OPT_LEASE_TIME)).hasValue(120);
        assertThat(DhcpMessage.decode(m.encode(), m.encode().length)).isEqualTo(m);
    }

    @Test
    void whatIsNotAnEthernetDhcpMessageIsRefused() {
        assertThatThrownBy(() -> DhcpMessage.decode(new byte[100], 100)).hasMessageContaining("at least 240");
        byte[] noCookie = new byte[300];
        noCookie[1] = 1;
        noCookie[2] = 6;
        assertThatThrownBy(() -> DhcpMessage.decode(noCookie, 300)).hasMessageContaining("magic cookie");
        byte[] truncated = DhcpMessage.request(DhcpMessage.Type.DISCOVER, 1, 0, DhcpMessage.ANY, MAC, Map.of())
                .encode();
        truncated[240 + 3] = 61;
        truncated[240 + 4] = (byte) 200;
        assertThatThrownBy(() -> DhcpMessage.decode(truncated, 250)).hasMessageContaining("runs past");
    }
}
