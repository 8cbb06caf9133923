package io.vmnetd.daemon.config;

import static io.vmnetd.daemon.config.ConfigProblemsAssert.assertOnlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The parts of a route that say how its gateway is checked, and the {@code connectivity} section. */
class RouteCheckValidationTest {

    /** Lines 1-3; VM networks written after it start at line 4. */
    private static final String DATA = """
            clusterNetworks:
              - {name: data, uplink: {nics: [eth1]}}
            vmNetworks:
            """;

    @Test
    void aNetworkWithoutRouteIsNotChecked() throws ConfigException {
        Config config = ConfigLoader.parse(DATA + """
                  - {name: a, clusterNetwork: data, type: L2VlanNetwork, vlan: 100}
                  - {name: b, clusterNetwork: data, type: L2VlanNetwork, vlan: 101, route: {mode: auto}}
                """, "test");

        assertThat(config.vmNetwork("a").orElseThrow().route()).isEmpty();
        assertThat(config.routedVmNetworks()).extracting(VmNetwork::name).containsExactly("b");
    }

    @Test
    void pingAndTrunkVlanAreRead() throws ConfigException {
        Config config = ConfigLoader.parse(DATA + """
                  - name: t
                    clusterNetwork: data
                    type: L2VlanTrunkNetwork
                    trunk: [{min: 200, max: 299}]
                    route: {mode: manual, cidr: 10.0.200.0/24, gateway: 10.0.200.1, vlan: 250, ping: true,
                            pingFrom: 10.0.200.250}
                  - {name: u, clusterNetwork: data, type: UntaggedNetwork, route: {ping: yes}}
                """, "test");

        Route t = config.vmNetwork("t").orElseThrow().route().orElseThrow();
        assertThat(t.vlan()).isEqualTo(OptionalInt.of(250));
        assertThat(t.ping()).isTrue();
        assertThat(t.pingFrom()).contains("10.0.200.250");
        Route u = config.vmNetwork("u").orElseThrow().route().orElseThrow();
        assertThat(u).isEqualTo(Route.auto().withPing(Optional.empty()));
    }

    @Test
    void pingMustBeABoolean() {
        assertOnlyProblem(DATA + """
                  - {name: a, clusterNetwork: data, type: UntaggedNetwork, route: {ping: 3}}
                """, "vmNetworks[0].route.ping", 4, "expected true or false, got integer 3");
    }

    @Test
    void aManualRouteWithPingNeedsPingFrom() {
        assertOnlyProblem(DATA + """
                  - name: a
                    clusterNetwork: data
                    type: UntaggedNetwork
                    route: {mode: manual, cidr: 10.0.100.0/24, gateway: 10.0.100.1, ping: true}
                """, "vmNetworks[0].route.pingFrom", 7, "missing required field; allowed: the IPv4 address inside cidr");
    }

    @Test
    void pingFromOnlyWithPingAndInsideTheCidrAndNotTheGateway() {
        assertOnlyProblem(DATA + """
                  - {name: a, clusterNetwork: data, type: UntaggedNetwork, route: {pingFrom: 10.0.100.9}}
                """, "vmNetworks[0].route.pingFrom", 4, "only allowed with ping: true");
        assertOnlyProblem(DATA + """
                  - name: a
                    clusterNetwork: data
                    type: UntaggedNetwork
                    route: {mode: manual, cidr: 10.0.100.0/24, gateway: 10.0.100.1, ping: true, pingFrom: 10.0.101.9}
                """, "vmNetworks[0].route.pingFrom", 7, "pingFrom 10.0.101.9 is not inside cidr 10.0.100.0/24");
        assertOnlyProblem(DATA + """
                  - name: a
                    clusterNetwork: data
                    type: UntaggedNetwork
                    route: {mode: manual, cidr: 10.0.100.0/24, gateway: 10.0.100.1, ping: true, pingFrom: 10.0.100.1}
                """, "vmNetworks[0].route.pingFrom", 7, "is the gateway itself");
        assertOnlyProblem(DATA + """
                  - {name: a, clusterNetwork: data, type: UntaggedNetwork, route: {ping: true, pingFrom: "fe80::1"}}
                """, "vmNetworks[0].route.pingFrom", 4, "invalid IPv4 address \"fe80::1\"");
    }

    @Test
    void routeVlanOnlyForTrunksAndOnlyOneOfTheirVids() {
        assertOnlyProblem(DATA + """
                  - {name: a, clusterNetwork: data, type: L2VlanNetwork, vlan: 100, route: {vlan: 100}}
                """, "vmNetworks[0].route.vlan", 4, "only allowed with type L2VlanTrunkNetwork");
        assertOnlyProblem(DATA + """
                  - {name: a, clusterNetwork: data, type: L2VlanTrunkNetwork, trunk: [{id: 7}], route: {vlan: 8}}
                """, "vmNetworks[0].route.vlan", 4, "VID 8 is not in the trunk 7; allowed: one of the trunk's VIDs");
        assertOnlyProblem(DATA + """
                  - {name: a, clusterNetwork: data, type: L2VlanTrunkNetwork, trunk: [{id: 7}], route: {vlan: 0}}
                """, "vmNetworks[0].route.vlan", 4, "out of range: 0; allowed: 1..4094");
    }

    @Test
    void connectivitySettingsHaveRanges() throws ConfigException {
        assertThat(ConfigLoader.parse("connectivity: {intervalSeconds: 60, timeoutSeconds: 5}\n", "test").connectivity())
                .isEqualTo(new ConnectivitySettings(60, 5));
        assertOnlyProblem("connectivity: {intervalSeconds: 5}\n", "connectivity.intervalSeconds", 1,
                "out of range: 5; allowed: 10..86400");
        assertOnlyProblem("connectivity: {timeoutSeconds: 61}\n", "connectivity.timeoutSeconds", 1,
                "out of range: 61; allowed: 2..60");
        assertOnlyProblem("connectivity: {every: 5}\n", "connectivity.every", 1,
                "unknown field; allowed: intervalSeconds, timeoutSeconds");
    }
}
