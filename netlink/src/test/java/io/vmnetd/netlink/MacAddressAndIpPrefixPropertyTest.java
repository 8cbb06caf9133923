package io.vmnetd.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmnetd.netlink.sys.Native;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Disabled;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** MacAddress and IpPrefix: parse/toString round trips, network() and contains() against a BigInteger reference. */
class MacAddressAndIpPrefixPropertyTest {

    @Property(tries = 200)
    void aRandomLocalMacIsUnicastLocallyAdministeredAndNotTheLastOne(@ForAll("seeds") int ignored) {
        MacAddress a = MacAddress.randomLocal();
        MacAddress b = MacAddress.randomLocal();
        assertThat(a.isMulticast()).isFalse();
        assertThat(a.bytes()[0] & 0x02).as("locally administered bit of " + a).isEqualTo(0x02);
        assertThat(a).as("46 random bits twice in a row").isNotEqualTo(b);
    }

    @Provide
    Arbitrary<Integer> seeds() {
        return Arbitraries.integers();
    }

    @Property(tries = 300)
    void macToStringParsesBackInEveryAcceptedSpelling(@ForAll @LongRange(min = 0, max = 0xffff_ffff_ffffL) long value) {
        MacAddress mac = new MacAddress(value);
        String text = mac.toString();
        assertThat(text).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
        assertThat(MacAddress.parse(text)).isEqualTo(mac);
        assertThat(MacAddress.parse(text.toUpperCase(Locale.ROOT))).isEqualTo(mac);
        assertThat(MacAddress.parse(text.replace(':', '-'))).isEqualTo(mac);
        assertThat(MacAddress.parse("  " + text + "\n")).isEqualTo(mac);
        assertThat(MacAddress.of(mac.bytes())).isEqualTo(mac);
        assertThat(new BigInteger(1, mac.bytes()).longValueExact()).as("bytes are big-endian").isEqualTo(value);
        assertThat(mac.isMulticast()).isEqualTo((mac.bytes()[0] & 1) != 0);
    }

    @Example
    void malformedMacsAreRefused() {
        for (String bad : List.of("", "02:00:00:00:00", "02:00:00:00:00:00:00", "2:00:00:00:00:01", "002:00:00:00:00:01",
                "02:00:00:00:00:0x", "0200.0000.0001", "02::00:00:00:01", "+2:00:00:00:00:01")) {
            assertThatThrownBy(() -> MacAddress.parse(bad)).as(bad).isInstanceOf(InvalidArgumentException.class);
        }
    }

    @Example
    void trailingOrDoubledSeparatorsAreRefused() {
        for (String bad : List.of("02:00:00:00:00:01:", "02:00:00:00:00:01-", ":02:00:00:00:00:01", "02:00:00:00::01")) {
            assertThatThrownBy(() -> MacAddress.parse(bad)).as(bad).isInstanceOf(InvalidArgumentException.class);
        }
    }

    @Example
    void nonAsciiDigitsAreRefused() {
        assertThatThrownBy(() -> MacAddress.parse("\u0660\u0662:00:00:00:00:01")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> MacAddress.parse("\uff10\uff12:00:00:00:00:01")).isInstanceOf(InvalidArgumentException.class);
    }

    @Provide
    Arbitrary<IpPrefix> prefixes() {
        Arbitrary<IpPrefix> v4 = Arbitraries.bytes().array(byte[].class).ofSize(4)
                .flatMap(b -> Arbitraries.integers().between(0, 32).map(l -> new IpPrefix(address(b), l)));
        Arbitrary<byte[]> v6Bytes = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofSize(16),
                Arbitraries.bytes().array(byte[].class).ofSize(4).map(MacAddressAndIpPrefixPropertyTest::ipv4Mapped));
        Arbitrary<IpPrefix> v6 = v6Bytes
                .flatMap(b -> Arbitraries.integers().between(0, 128).map(l -> new IpPrefix(address(b), l)));
        return Arbitraries.oneOf(v4, v6);
    }

    @Property(tries = 300)
    void prefixToStringParsesBack(@ForAll("prefixes") IpPrefix prefix) {
        String text = prefix.toString();
        assertThat(text).endsWith("/" + prefix.length());
        assertThat(IpPrefix.parse(text)).isEqualTo(prefix);
        assertThat(prefix.family()).isEqualTo(prefix.address() instanceof Inet4Address ? Native.AF_INET : Native.AF_INET6);
    }

    @Property(tries = 300)
    void networkKeepsThePrefixBitsAndClearsTheRest(@ForAll("prefixes") IpPrefix prefix) {
        IpPrefix network = prefix.network();
        int bits = bitsOf(prefix);
        BigInteger mask = mask(prefix.length(), bits);
        assertThat(network.length()).isEqualTo(prefix.length());
        assertThat(network.address().getClass()).isEqualTo(prefix.address().getClass());
        assertThat(value(network.address())).isEqualTo(value(prefix.address()).and(mask));
        assertThat(network.network()).isEqualTo(network);
        assertThat(prefix.contains(prefix.address())).isTrue();
        assertThat(prefix.contains(network.address())).isTrue();
    }

    @Property(tries = 300)
    void containsAgreesWithMaskedComparison(@ForAll("prefixes") IpPrefix prefix, @ForAll("prefixes") IpPrefix other) {
        InetAddress candidate = other.address();
        boolean sameFamily = candidate.getClass() == prefix.address().getClass();
        BigInteger mask = mask(prefix.length(), bitsOf(prefix));
        boolean expected = sameFamily && value(candidate).and(mask).equals(value(prefix.address()).and(mask));
        assertThat(prefix.contains(candidate)).isEqualTo(expected);
    }

    @Example
    void prefixExamples() {
        assertThat(IpPrefix.parse("10.1.2.3")).isEqualTo(IpPrefix.parse("10.1.2.3/32"));
        assertThat(IpPrefix.parse("fd00::1")).isEqualTo(IpPrefix.parse("fd00:0:0:0:0:0:0:1/128"));
        assertThat(IpPrefix.parse("10.1.2.3/24").network().toString()).isEqualTo("10.1.2.0/24");
        assertThat(IpPrefix.parse("10.1.2.3/24").contains(IpPrefix.parseAddress("10.1.3.1"))).isFalse();
        assertThat(IpPrefix.parse("0.0.0.0/0").contains(IpPrefix.parseAddress("192.0.2.1"))).isTrue();
        assertThat(IpPrefix.parse("fd00::/8").contains(IpPrefix.parseAddress("10.0.0.1"))).isFalse();
    }

    /** InetAddress.getByName turns "::ffff:10.1.2.3" into the IPv4 10.1.2.3; the kernel keeps it IPv6. */
    @Example
    void ipv4MappedIpv6PrefixStaysIpv6() {
        IpPrefix p = IpPrefix.parse("::ffff:10.1.2.3/128");
        assertThat(p.address()).isInstanceOf(Inet6Address.class);
        assertThat(p.family()).isEqualTo(Native.AF_INET6);
        assertThat(p.address().getAddress()).isEqualTo(ipv4Mapped(new byte[] {10, 1, 2, 3}));
        assertThat(IpPrefix.parse("::ffff:10.1.2.3").length()).isEqualTo(128);
        assertThat(IpPrefix.parse("::ffff:0.0.0.0/96").network()).isEqualTo(IpPrefix.parse("::ffff:0:0/96"));
        assertThat(IpPrefix.parse("::ffff:0.0.0.0/96").contains(IpPrefix.parseAddress("::ffff:192.0.2.1"))).isTrue();
        assertThat(IpPrefix.parse("::ffff:0.0.0.0/96").contains(IpPrefix.parseAddress("192.0.2.1"))).isFalse();
    }

    /**
     * "999.1.1.1" looks like a dotted quad but is not a literal: InetAddress.getByName would hand it to the resolver.
     * A child JVM whose resolver is a hosts file answering for that name shows whether parse ever asks.
     */
    @Example
    void anInvalidDottedQuadIsRefusedWithoutAskingTheResolver() throws Exception {
        Path hosts = Files.createTempFile("vmnetd-hosts", "");
        try {
            Files.writeString(hosts, "10.6.6.6 999.1.1.1\n");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djdk.net.hosts.file=" + hosts, "-cp", System.getProperty("java.class.path"),
                    ParseInAFreshJvm.class.getName(), "999.1.1.1/24").redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(p.getInputStream().readAllBytes()).strip()).isEqualTo("refused");
        } finally {
            Files.deleteIfExists(hosts);
        }
    }

    /** Runs IpPrefix.parse in a JVM whose resolver reads the hosts file the test wrote. */
    public static final class ParseInAFreshJvm {
        public static void main(String[] args) {
            try {
                System.out.println(IpPrefix.parse(args[0]));
            } catch (InvalidArgumentException e) {
                System.out.println("refused");
            }
        }
    }

    // --- reference arithmetic ---------------------------------------------------------------------------------

    private static InetAddress address(byte[] bytes) {
        try {
            return bytes.length == 4 ? InetAddress.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, null);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** ::ffff:a.b.c.d, which InetAddress.getByName and getByAddress would turn into IPv4. */
    private static byte[] ipv4Mapped(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }

    private static int bitsOf(IpPrefix p) {
        return p.address().getAddress().length * 8;
    }

    private static BigInteger value(InetAddress a) {
        return new BigInteger(1, a.getAddress());
    }

    private static BigInteger mask(int length, int bits) {
        BigInteger all = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        return all.xor(BigInteger.ONE.shiftLeft(bits - length).subtract(BigInteger.ONE));
    }
}
