package io.vmnetd.daemon.dhcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;
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
        o.put(DhcpMessage.OPT_PARAMETERS, new byte[] {1, 3, 51, 54});
        byte[] wire = DhcpMessage.request(DhcpMessage.Type.DISCOVER, 0x01020304, DhcpMessage.FLAG_BROADCAST,
                DhcpMessage.ANY, MAC, o).withSecs(3).encode();

        assertThat(wire.length).isEqualTo(300);
        ByteBuffer b = ByteBuffer.wrap(wire);
        // op, htype, hlen, hops, xid, secs 3, the broadcast flag
        assertThat(HexFormat.of().formatHex(wire, 0, 12)).isEqualTo("010106000102030400038000");
        assertThat(HexFormat.of().formatHex(wire, 28, 34)).isEqualTo("020000000001");
        assertThat(b.getInt(236)).isEqualTo(0x63825363);
        // option 53 (DISCOVER) first, then 61 and 55 in the order given, then END, then padding
        assertThat(HexFormat.of().formatHex(wire, 240, 257))
                .isEqualTo("350101" + "3d020078" + "37040103" + "3336" + "ff" + "000000");
    }

    @Test
    void secsIsCappedAtItsSixteenBits() {
        DhcpMessage m = DhcpMessage.request(DhcpMessage.Type.DISCOVER, 1, 0, DhcpMessage.ANY, MAC, Map.of());

        assertThat(m.withSecs(70_000).secs()).isEqualTo(0xffff);
        assertThat(HexFormat.of().formatHex(m.withSecs(258).encode(), 8, 10)).isEqualTo("0102");
    }

    @Test
    void encodeThenDecodeGivesTheSameMessage() {
        Map<Integer, byte[]> o = new LinkedHashMap<>();
        o.put(DhcpMessage.OPT_REQUESTED_ADDRESS, new byte[] {10, 0, 0, 9});
        o.put(DhcpMessage.OPT_SERVER_ID, new byte[] {10, 0, 0, 1});
        DhcpMessage m = DhcpMessage.request(DhcpMessage.Type.REQUEST, -5, DhcpMessage.FLAG_BROADCAST,
                DhcpMessage.ANY, MAC, o).withSecs(7);

        byte[] wire = m.encode();

        assertThat(DhcpMessage.decode(wire, wire.length)).isEqualTo(m);
        assertThat(DhcpMessage.decode(wire, wire.length).type()).contains(DhcpMessage.Type.REQUEST);
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
    void anOfferGivesMaskTheFirstRouterServerAndLease() {
        byte[] b = reply("0104ffffff00" + "0308" + "0a000001" + "0a0000fe" + "3604" + "0a000002" + "330400000258"
                + "350102");

        DhcpMessage offer = DhcpMessage.decode(b, b.length);

        assertThat(offer.type()).contains(DhcpMessage.Type.OFFER);
        assertThat(offer.yiaddr().getHostAddress()).isEqualTo("10.0.0.77");
        assertThat(offer.addressOption(DhcpMessage.OPT_SUBNET_MASK).map(Inet4Address::getHostAddress))
                .contains("255.255.255.0");
        // Option 3 lists routers in the server's order of preference.
        assertThat(offer.addressOption(DhcpMessage.OPT_ROUTER).map(Inet4Address::getHostAddress))
                .contains("10.0.0.1");
        assertThat(offer.option(DhcpMessage.OPT_ROUTER)).hasValueSatisfying(v -> assertThat(v).hasSize(8));
        assertThat(offer.addressOption(DhcpMessage.OPT_SERVER_ID).map(Inet4Address::getHostAddress))
                .contains("10.0.0.2");
        assertThat(offer.secondsOption(DhcpMessage.OPT_LEASE_TIME)).hasValue(600);
    }

    @Test
    void splitOptionsAreJoinedAndOverloadedFieldsRead() {
        // Option 3 in two parts (RFC 3396); option 52 = 3 puts option 1 into "file" and option 51 into "sname".
        byte[] b = reply("0304" + "0a000001" + "0304" + "0a0000fe" + "340103" + "350102");
        byte[] inFile = HexFormat.of().parseHex("0104ffff0000ff");
        System.arraycopy(inFile, 0, b, 108, inFile.length);
        byte[] inSname = HexFormat.of().parseHex("330400000e10ff");
        System.arraycopy(inSname, 0, b, 44, inSname.length);

        DhcpMessage offer = DhcpMessage.decode(b, b.length);

        assertThat(offer.option(DhcpMessage.OPT_ROUTER)).hasValueSatisfying(v -> assertThat(HexFormat.of()
                .formatHex(v)).isEqualTo("0a000001" + "0a0000fe"));
        assertThat(offer.addressOption(DhcpMessage.OPT_SUBNET_MASK).map(Inet4Address::getHostAddress))
                .contains("255.255.0.0");
        assertThat(offer.secondsOption(DhcpMessage.OPT_LEASE_TIME)).hasValue(3600);
    }

    @Test
    void withoutOverloadFileAndSnameAreNotOptions() {
        byte[] b = reply("350102");
        byte[] inFile = HexFormat.of().parseHex("0104ffff0000ff");
        System.arraycopy(inFile, 0, b, 108, inFile.length);

        assertThat(DhcpMessage.decode(b, b.length).option(DhcpMessage.OPT_SUBNET_MASK)).isEmpty();
    }

    @Test
    void whatIsNotAnEthernetDhcpMessageIsRefused() {
        assertThatThrownBy(() -> DhcpMessage.decode(new byte[100], 100)).hasMessageContaining("at least 240");
        byte[] noCookie = new byte[300];
        noCookie[1] = 1;
        noCookie[2] = 6;
        assertThatThrownBy(() -> DhcpMessage.decode(noCookie, 300)).hasMessageContaining("magic cookie");
        byte[] notEthernet = reply("350102");
        notEthernet[2] = 8;
        assertThatThrownBy(() -> DhcpMessage.decode(notEthernet, notEthernet.length))
                .hasMessageContaining("not an Ethernet address");
        byte[] truncated = DhcpMessage.request(DhcpMessage.Type.DISCOVER, 1, 0, DhcpMessage.ANY, MAC, Map.of())
                .encode();
        truncated[240 + 3] = 61;
        truncated[240 + 4] = (byte) 200;
        assertThatThrownBy(() -> DhcpMessage.decode(truncated, 250)).hasMessageContaining("runs past");
        byte[] overrun = reply("0308" + "0a000001");
        assertThatThrownBy(() -> DhcpMessage.decode(Arrays.copyOf(overrun, 240 + 6), 240 + 6))
                .hasMessageContaining("runs past");
    }

    /** A BOOTREPLY for MAC, yiaddr 10.0.0.77, with these options (hex) and END. */
    private static byte[] reply(String optionsHex) {
        byte[] options = HexFormat.of().parseHex("63825363" + optionsHex + "ff");
        byte[] b = new byte[236 + options.length];
        b[0] = 2;
        b[1] = 1;
        b[2] = 6;
        b[16] = 10;
        b[19] = 77;
        System.arraycopy(MAC, 0, b, 28, 6);
        System.arraycopy(options, 0, b, 236, options.length);
        return b;
    }
}
