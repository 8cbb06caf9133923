package io.vmnetd.daemon.probe.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.probe.net.Ipv4Address;
import io.vmnetd.netlink.MacAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class DhcpMessageTest {
    private static final MacAddress MAC = MacAddress.parse("02:11:22:33:44:55");

    @Test
    void aDiscoverIsBootpWithTheCookieOption53FirstAndPaddedTo300Bytes() {
        byte[] b = DhcpMessage.fromClient(DhcpMessageType.DISCOVER, 0x01020304, MAC)
                .with(DhcpOption.PARAMETER_REQUEST_LIST, new byte[] {1, 3, 51, 54}).withSecs(3).encode();

        assertThat(b).hasSize(300);
        assertThat(HexFormat.of().formatHex(b, 0, 12)).isEqualTo("010106000102030400038000");
        assertThat(HexFormat.of().formatHex(b, 28, 34)).isEqualTo("021122334455");
        assertThat(HexFormat.of().formatHex(b, 236, 250)).isEqualTo("63825363" + "350101" + "3704010333" + "36" + "ff");
    }

    @Test
    void encodeThenDecodeGivesTheSameMessage() {
        DhcpMessage m = DhcpMessage.fromClient(DhcpMessageType.REQUEST, -5, MAC)
                .with(DhcpOption.REQUESTED_ADDRESS, new byte[] {10, 0, 0, 9})
                .with(DhcpOption.SERVER_ID, new byte[] {10, 0, 0, 1});

        assertThat(DhcpMessage.decode(m.encode())).contains(m);
        assertThat(DhcpMessage.decode(m.encode()).orElseThrow().type()).contains(DhcpMessageType.REQUEST);
    }

    @Test
    void anOfferGivesMaskRoutersServerAndLease() {
        byte[] b = offer("0104ffffff00" + "0308" + "0a000001" + "0a0000fe" + "3604" + "0a000002" + "330400000258" + "350102");

        DhcpMessage offer = DhcpMessage.decode(b).orElseThrow();

        assertThat(offer.type()).contains(DhcpMessageType.OFFER);
        assertThat(offer.yourAddress()).isEqualTo(Ipv4Address.parse("10.0.0.77").orElseThrow());
        assertThat(offer.subnetMask().flatMap(Ipv4Address::prefixLength)).contains(24);
        assertThat(offer.routers()).extracting(Ipv4Address::toString).containsExactly("10.0.0.1", "10.0.0.254");
        assertThat(offer.serverId()).contains(Ipv4Address.parse("10.0.0.2").orElseThrow());
        assertThat(offer.leaseSeconds()).hasValue(600);
    }

    @Test
    void splitOptionsAreJoinedAndOverloadedFieldsRead() {
        // Option 3 in two parts (RFC 3396); option 52 = 1 puts option 1 into the "file" field.
        byte[] b = offer("0304" + "0a000001" + "0304" + "0a0000fe" + "340101" + "350102");
        byte[] inFile = HexFormat.of().parseHex("0104ffff0000ff");
        System.arraycopy(inFile, 0, b, 108, inFile.length);

        DhcpMessage offer = DhcpMessage.decode(b).orElseThrow();

        assertThat(offer.routers()).extracting(Ipv4Address::toString).containsExactly("10.0.0.1", "10.0.0.254");
        assertThat(offer.subnetMask().flatMap(Ipv4Address::prefixLength)).contains(16);
    }

    @Test
    void truncatedOrForeignMessagesAreNotDecoded() {
        byte[] good = offer("350102");
        assertThat(DhcpMessage.decode(java.util.Arrays.copyOf(good, 239))).isEmpty();
        byte[] noCookie = good.clone();
        noCookie[236] = 0;
        assertThat(DhcpMessage.decode(noCookie)).isEmpty();
        byte[] overrun = offer("0308" + "0a000001");
        assertThat(DhcpMessage.decode(java.util.Arrays.copyOf(overrun, 240 + 6))).isEmpty();
        assertThat(Ipv4Address.parse("255.0.255.0").orElseThrow().prefixLength()).isEmpty();
        assertThat(List.of("1.2.3", "1.2.3.256", "a.b.c.d", "1..2.3")).allMatch(t -> Ipv4Address.parse(t).isEmpty());
    }

    /** A BOOTREPLY for MAC, yiaddr 10.0.0.77, with these options (hex) and END. */
    private static byte[] offer(String optionsHex) {
        byte[] options = HexFormat.of().parseHex("63825363" + optionsHex + "ff");
        byte[] b = new byte[236 + options.length];
        b[0] = 2;
        b[1] = 1;
        b[2] = 6;
        b[16] = 10;
        b[19] = 77;
        System.arraycopy(MAC.bytes(), 0, b, 28, 6);
        System.arraycopy(options, 0, b, 236, options.length);
        return b;
    }
}
