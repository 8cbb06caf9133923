package io.vmnetd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AddressParsingTest {

    @Test
    void parsesIpv4AndIpv6Literals() {
        assertThat(IpAddresses.parse("10.0.100.1"))
                .hasValueSatisfying(a -> assertThat(a).containsExactly(10, 0, 100, 1));
        assertThat(IpAddresses.parse("::1")).hasValueSatisfying(a -> assertThat(a).hasSize(16).endsWith(0, 1));
        assertThat(IpAddresses.parse("2001:db8::"))
                .hasValueSatisfying(a -> assertThat(a).startsWith(0x20, 0x01, 0x0d, 0xb8));
        assertThat(IpAddresses.parse("::ffff:10.0.0.1")).hasValueSatisfying(a -> assertThat(a).endsWith(10, 0, 0, 1));
        assertThat(IpAddresses.parse("1:2:3:4:5:6:7:8")).isPresent();
    }

    @Test
    void rejectsMalformedLiterals() {
        for (String text : List.of("", "10.0.0", "10.0.0.256", "010.0.0.1", "1.2.3.4.5", "host", ":::", "1::2::3",
                "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "12345::", "1::2:", "g::1", "::1.2.3", "1.2.3.4::")) {
            assertThat(IpAddresses.parse(text)).as("%s", text).isEmpty();
        }
    }

    @Test
    void parsesCidrs() {
        assertThat(IpAddresses.parseCidr("10.0.0.0/8"))
                .hasValueSatisfying(c -> assertThat(c.prefixLength()).isEqualTo(8));
        assertThat(IpAddresses.parseCidr("2001:db8::/128")).isPresent();
        for (String text : List.of("10.0.0.0", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/8/8", "/8")) {
            assertThat(IpAddresses.parseCidr(text)).as("%s", text).isEmpty();
        }
    }

    @Test
    void hostPortAcceptsAddressesAndNames() {
        assertThat(HostPort.parse("127.0.0.1:9677")).isEqualTo(new HostPort("127.0.0.1", 9677));
        assertThat(HostPort.parse("[::]:80")).hasToString("[::]:80");
        assertThat(HostPort.parse("node-1.example:443").host()).isEqualTo("node-1.example");
        for (String text : List.of(":80", "host:0", "host:", "host", "[::1:80", "[g::1]:80", "10.0.0.300:80",
                "a b:1")) {
            assertThatThrownBy(() -> HostPort.parse(text)).as("%s", text).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void interfaceNamesFollowTheKernel() {
        assertThat(ClusterNetworkValidator.isValidInterfaceName("enp0s31f6")).isTrue();
        assertThat(ClusterNetworkValidator.isValidInterfaceName("eth1.100")).isTrue();
        assertThat(ClusterNetworkValidator.isValidInterfaceName("fifteen-bytes-x")).isTrue();
        assertThat(ClusterNetworkValidator.isValidInterfaceName("sixteen-bytes-xx")).isFalse();
        assertThat(ClusterNetworkValidator.isValidInterfaceName("ééééééééé")).isFalse();
        assertThat(ClusterNetworkValidator.isValidInterfaceName("a/b")).isFalse();
    }
}
