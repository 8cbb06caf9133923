package io.vmnetd.netlink.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.Route;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.sys.Native;
import io.vmnetd.netlink.testing.TestNetns;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routes made with the library, checked with {@code ip -j -d route show}. */
class RoutesHostTest {
    private TestNetns ns;
    private RtNetlink rtnl;
    private int v0;

    @BeforeEach
    void setUp() {
        ns = TestNetns.create();
        rtnl = ns.rtnl();
        rtnl.links().create(LinkSpec.veth("v0", "v1").up());
        rtnl.links().setUp("v1");
        v0 = rtnl.links().get("v0").index();
        rtnl.addresses().add("v0", IpPrefix.parse("10.9.0.1/24"));
    }

    @AfterEach
    void tearDown() {
        ns.close();
    }

    @Test
    void routeViaAGatewayIsAddedListedAndDeleted() {
        Route route = Route.via(IpPrefix.parse("10.10.0.0/16"), IpPrefix.parseAddress("10.9.0.254"), v0);

        rtnl.routes().add(route);

        JsonNode ip = routeTo(ns.ipv4Routes(), "10.10.0.0/16");
        assertThat(ip.get("gateway").asText()).isEqualTo("10.9.0.254");
        assertThat(ip.get("dev").asText()).isEqualTo("v0");
        assertThat(ip.get("scope").asText()).isEqualTo("global");
        assertThat(rtnl.routes().list(Native.AF_INET)).contains(route);

        rtnl.routes().delete(route);

        assertThat(destinations(ns.ipv4Routes())).doesNotContain("10.10.0.0/16").contains("10.9.0.0/24");
        assertThat(rtnl.routes().list(Native.AF_INET)).doesNotContain(route);
    }

    @Test
    void defaultRouteViaAGatewayIsSeenByIp() {
        Route route = Route.via(IpPrefix.parse("0.0.0.0/0"), IpPrefix.parseAddress("10.9.0.254"), v0);

        rtnl.routes().add(route);

        assertThat(routeTo(ns.ipv4Routes(), "default").get("gateway").asText()).isEqualTo("10.9.0.254");
        assertThat(rtnl.routes().list(Native.AF_INET)).filteredOn(Route::isDefault).containsExactly(route);
    }

    @Test
    void onLinkRouteIsAddedListedAndDeleted() {
        Route route = Route.onLink(IpPrefix.parse("10.11.0.0/16"), v0);

        rtnl.routes().add(route);

        JsonNode ip = routeTo(ns.ipv4Routes(), "10.11.0.0/16");
        assertThat(ip.get("dev").asText()).isEqualTo("v0");
        assertThat(ip.get("scope").asText()).isEqualTo("link");
        assertThat(ip.has("gateway")).isFalse();
        assertThat(rtnl.routes().list(Native.AF_INET)).contains(route);

        rtnl.routes().delete(route);

        assertThat(destinations(ns.ipv4Routes())).doesNotContain("10.11.0.0/16");
    }

    @Test
    void ipv6RouteViaAGatewayIsAddedListedAndDeleted() {
        rtnl.addresses().add("v0", IpPrefix.parse("fd00:9::1/64"));
        Route route = Route.via(IpPrefix.parse("fd00:10::/48"), IpPrefix.parseAddress("fd00:9::fe"), v0);

        rtnl.routes().add(route);

        JsonNode ip = routeTo(ns.ipv6Routes(), "fd00:10::/48");
        assertThat(ip.get("gateway").asText()).isEqualTo("fd00:9::fe");
        assertThat(ip.get("dev").asText()).isEqualTo("v0");
        assertThat(rtnl.routes().list(Native.AF_INET6)).anySatisfy(r -> {
            assertThat(r.destination()).isEqualTo(route.destination());
            assertThat(r.gateway()).isEqualTo(route.gateway());
            assertThat(r.outputIndex()).isEqualTo(v0);
            assertThat(r.priority()).isEqualTo(ip.get("metric").asInt());
        });

        rtnl.routes().delete(route);

        assertThat(destinations(ns.ipv6Routes())).doesNotContain("fd00:10::/48");
    }

    @Test
    void routeListDecodesTheKernelsConnectedRoute() {
        assertThat(rtnl.routes().list(Native.AF_INET)).anySatisfy(r -> {
            assertThat(r.destination()).isEqualTo(IpPrefix.parse("10.9.0.0/24"));
            assertThat(r.outputIndex()).isEqualTo(v0);
            assertThat(r.protocol()).isEqualTo(Rtnl.Rta.PROT_KERNEL);
            assertThat(r.scope()).isEqualTo(Rtnl.Rta.SCOPE_LINK);
            assertThat(r.gateway()).isEmpty();
        });
        assertThat(routeTo(ns.ipv4Routes(), "10.9.0.0/24").get("protocol").asText()).isEqualTo("kernel");
    }

    @Test
    void routeThroughAnUnreachableGatewayIsRefusedByTheKernel() {
        Route route = Route.via(IpPrefix.parse("10.10.0.0/16"), IpPrefix.parseAddress("192.0.2.1"), v0);
        String ipSays = ns.ipExtAck("route", "add", "10.10.0.0/16", "via", "192.0.2.1", "dev", "v0");

        assertThatThrownBy(() -> rtnl.routes().add(route))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno().name()).isEqualTo("ENETUNREACH");
                    assertThat(e.kernelMessage()).contains(ipSays);
                    assertThat(e.subject()).contains("10.10.0.0/16");
                });
        assertThat(destinations(ns.ipv4Routes())).doesNotContain("10.10.0.0/16");
    }

    @Test
    void routeInAnotherTableWithAMetricGoesThereAndNotIntoMain() {
        Route small = new Route(IpPrefix.parse("10.12.0.0/16"), Optional.of(IpPrefix.parseAddress("10.9.0.254")), v0,
                100, Rtnl.Rta.PROT_STATIC, Rtnl.Rta.SCOPE_UNIVERSE, 50);
        Route large = new Route(IpPrefix.parse("10.13.0.0/16"), Optional.empty(), v0,
                1000, Rtnl.Rta.PROT_STATIC, Rtnl.Rta.SCOPE_LINK, 0);

        rtnl.routes().add(small);
        rtnl.routes().add(large);

        JsonNode inSmall = routeTo(table(100), "10.12.0.0/16");
        assertThat(inSmall.get("metric").asInt()).isEqualTo(50);
        assertThat(inSmall.get("protocol").asText()).isEqualTo("static");
        assertThat(destinations(table(1000))).containsExactly("10.13.0.0/16");
        assertThat(destinations(ns.ipv4Routes())).doesNotContain("10.12.0.0/16", "10.13.0.0/16");
        assertThat(rtnl.routes().list(Native.AF_INET)).extracting(Route::destination)
                .doesNotContain(small.destination(), large.destination());

        rtnl.routes().delete(large);

        assertThat(destinations(table(1000))).isEmpty();
    }

    @Test
    void aGatewayOfTheOtherFamilyIsAnInvalidArgumentAndNothingIsSent() {
        JsonNode before = ns.ipv4Routes();
        Route mixed = Route.via(IpPrefix.parse("10.10.0.0/16"), IpPrefix.parseAddress("fd00::1"), v0);

        assertThatThrownBy(() -> rtnl.routes().add(mixed))
                .isInstanceOfSatisfying(InvalidArgumentException.class,
                        e -> assertThat(e.argument()).isEqualTo("gateway"));

        assertThat(ns.ipv4Routes()).isEqualTo(before);
    }

    @Test
    void deletingARouteThatIsNotThereIsESRCH() {
        Route missing = Route.onLink(IpPrefix.parse("10.99.0.0/16"), v0);

        assertThatThrownBy(() -> rtnl.routes().delete(missing))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno().name()).isEqualTo("ESRCH");
                    assertThat(e.subject()).contains("10.99.0.0/16");
                });
    }

    private JsonNode table(int table) {
        return TestNetns.json(ns.ip("-j", "-d", "route", "show", "table", String.valueOf(table)));
    }

    private static JsonNode routeTo(JsonNode routes, String dst) {
        return StreamSupport.stream(routes.spliterator(), false)
                .filter(r -> r.get("dst").asText().equals(dst)).findFirst()
                .orElseThrow(() -> new AssertionError("no route to " + dst + ": " + routes));
    }

    private static List<String> destinations(JsonNode routes) {
        List<String> out = new ArrayList<>();
        routes.forEach(r -> out.add(r.get("dst").asText()));
        return out;
    }
}
