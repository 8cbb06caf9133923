package io.vmnetd.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmnetd.netlink.nl.Message;
import io.vmnetd.netlink.nl.Nl;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.nl.Rtnl.Rta;
import io.vmnetd.netlink.sys.Native;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Addresses.decode and Routes.decode on dumps the kernel produced (golden/kernel; see golden/README.md). */
class KernelAddressRouteDecodeTest {
    private static final int PERMANENT = Rtnl.Ifa.F_PERMANENT;

    @BeforeAll
    static void littleEndianHost() {
        assumeTrue(GoldenBytes.hostIsLittleEndian(), "captures are in little-endian host order");
    }

    private static List<Message> dump(String path) {
        return Message.parseAll(GoldenBytes.datagram(path));
    }

    private static InetAddress ip(String literal) {
        return IpPrefix.parseAddress(literal);
    }

    @Test
    void addressDumpHasTheConfiguredAddressAndTheKernelsOwn() {
        List<Message> messages = dump("kernel/addr-dump.hex");
        assertThat(messages).extracting(Message::type).containsOnly(Rtnl.RTM_NEWADDR);
        List<Address> addresses = messages.stream().map(Addresses::decode).toList();
        assertThat(addresses).containsExactly(
                new Address(1, IpPrefix.parse("127.0.0.1/8"), Rta.SCOPE_HOST, PERMANENT, Optional.of("lo")),
                new Address(2, IpPrefix.parse("10.1.2.3/24"), 0, PERMANENT, Optional.of("br0")),
                new Address(1, IpPrefix.parse("::1/128"), Rta.SCOPE_HOST, PERMANENT, Optional.empty()),
                new Address(2, IpPrefix.parse("fe80::5eff:fe00:b0/64"), Rta.SCOPE_LINK, PERMANENT, Optional.empty()),
                new Address(3, IpPrefix.parse("fe80::4093:f6ff:fedb:fa1b/64"), Rta.SCOPE_LINK, PERMANENT, Optional.empty()),
                new Address(4, IpPrefix.parse("fe80::5eff:fe10:1/64"), Rta.SCOPE_LINK, PERMANENT, Optional.empty()));
        assertThat(addresses.get(1).prefix().family()).isEqualTo(Native.AF_INET);
        assertThat(addresses.get(3).prefix().family()).isEqualTo(Native.AF_INET6);
        assertThat(addresses.get(1).prefix().network()).isEqualTo(IpPrefix.parse("10.1.2.0/24"));
    }

    @Test
    void ipv4RouteDumpHasTheConnectedRouteAndTheGatewayRoute() {
        List<Message> messages = dump("kernel/route-dump.hex");
        assertThat(messages).allSatisfy(m -> assertThat(m.has(Nl.F_MULTI)).isTrue());
        List<Route> routes = messages.stream().map(Routes::decode).toList();
        assertThat(routes).containsExactly(
                new Route(IpPrefix.parse("10.1.2.0/24"), Optional.empty(), 2, Rta.TABLE_MAIN, Rta.PROT_KERNEL,
                        Rta.SCOPE_LINK, 0),
                new Route(IpPrefix.parse("10.9.0.0/16"), Optional.of(ip("10.1.2.1")), 2, Rta.TABLE_MAIN, Rta.PROT_BOOT,
                        Rta.SCOPE_UNIVERSE, 50));
        Route via = Route.via(IpPrefix.parse("10.9.1.2/16"), ip("10.1.2.1"), 2);
        assertThat(routes.get(1)).isEqualTo(new Route(via.destination(), via.gateway(), via.outputIndex(), via.table(),
                via.protocol(), via.scope(), 50));
        assertThat(routes).noneMatch(Route::isDefault);
    }

    @Test
    void ipv6LinkLocalRoutesDecodeWithTheirMetric() {
        List<Route> linkLocal = dump("kernel/route6-mapped.hex").stream()
                .filter(m -> m.type() == Rtnl.RTM_NEWROUTE)
                .skip(2) // the first two are the IPv4-mapped routes, tested below
                .map(Routes::decode).toList();
        assertThat(linkLocal).extracting(Route::destination).containsOnly(IpPrefix.parse("fe80::/64"));
        assertThat(linkLocal).extracting(Route::outputIndex).containsExactly(3, 4, 2);
        assertThat(linkLocal).extracting(Route::priority).containsOnly(256);
        assertThat(linkLocal).extracting(Route::protocol).containsOnly(Rta.PROT_KERNEL);
        assertThat(linkLocal).extracting(Route::gateway).containsOnly(Optional.empty());
    }

    @Test
    void ipv6AddressDumpEndsWithDoneInTheSameDatagram() {
        List<Message> messages = dump("kernel/addr6-mapped.hex");
        assertThat(messages).extracting(Message::type).containsExactly(Rtnl.RTM_NEWADDR, Rtnl.RTM_NEWADDR, Nl.NLMSG_DONE);
        assertThat(Addresses.decode(messages.get(1)))
                .isEqualTo(new Address(3, IpPrefix.parse("fe80::4093:f6ff:fedb:fa1b/64"), Rta.SCOPE_LINK, PERMANENT,
                        Optional.empty()));
    }

    /** The kernel accepts ::ffff:10.1.2.3/128; InetAddress.getByAddress would have made it an IPv4 /128. */
    @Test
    void ipv4MappedIpv6AddressDecodesAsIpv6() {
        Address mapped = Addresses.decode(dump("kernel/addr6-mapped.hex").get(0));
        assertThat(mapped).isEqualTo(new Address(3, IpPrefix.parse("::ffff:10.1.2.3/128"), Rta.SCOPE_UNIVERSE,
                PERMANENT | Rtnl.Ifa.F_NODAD, Optional.empty()));
        assertThat(mapped.prefix().address()).isInstanceOf(Inet6Address.class);
        assertThat(mapped.prefix().family()).isEqualTo(Native.AF_INET6);
    }

    /** Same for routes: ::ffff:0.0.0.0/96 is an IPv6 route of the main table. */
    @Test
    void ipv4MappedIpv6RouteDecodesAsIpv6() {
        List<Message> messages = dump("kernel/route6-mapped.hex");
        assertThat(Routes.decode(messages.get(0))).isEqualTo(new Route(IpPrefix.parse("::ffff:10.1.2.3/128"),
                Optional.empty(), 3, Rta.TABLE_MAIN, Rta.PROT_KERNEL, Rta.SCOPE_UNIVERSE, 256));
        Route mappedNet = Routes.decode(messages.get(1));
        assertThat(mappedNet).isEqualTo(new Route(IpPrefix.parse("::ffff:0.0.0.0/96"), Optional.empty(), 3,
                Rta.TABLE_MAIN, Rta.PROT_BOOT, Rta.SCOPE_UNIVERSE, 1024));
        assertThat(mappedNet.destination().address()).isInstanceOf(Inet6Address.class);
    }
}
