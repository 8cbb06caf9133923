package io.vmnetd.daemon.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConfigLoader;
import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.netlink.testing.TestNetns;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The monitor's life on this machine's kernel: a bridge "hn-br" (cluster network "hn") with a gateway, inside a
 * "node" namespace. Checks start when a network gets a route, report through current(), checkNow() and the metrics,
 * and everything stops (threads, series) when no route is left.
 */
class ConnectivityMonitorHostTest {
    private static final ProbeIdentity IDENTITY = new ProbeIdentity("monitor-test");
    private static final String ROUTED = """
            connectivity: {intervalSeconds: 10, timeoutSeconds: 2}
            clusterNetworks:
              - {name: hn, uplink: {nics: [nic-hn]}}
            vmNetworks:
              - name: plain
                clusterNetwork: hn
                type: UntaggedNetwork
                route: {mode: manual, cidr: 10.8.0.0/24, gateway: 10.8.0.1}
              - {name: bare, clusterNetwork: hn, type: UntaggedNetwork}
            """;

    private TestNetns node;
    private TestNetns gateway;
    private PrometheusMeterRegistry registry;
    private ConnectivityMonitor monitor;

    @BeforeEach
    void wire() {
        node = TestNetns.create();
        gateway = TestNetns.create();
        node.ip("link", "add", "hn-br", "type", "bridge");
        node.ip("link", "set", "hn-br", "up");
        node.ip("link", "add", "gw-port", "type", "veth", "peer", "name", "eth0", "netns", gateway.name());
        node.ip("link", "set", "gw-port", "master", "hn-br", "up");
        gateway.ip("addr", "add", "10.8.0.1/24", "dev", "eth0");
        gateway.ip("link", "set", "eth0", "up");
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        monitor = new ConnectivityMonitor(new VethProbePorts(node.rtnl(), IDENTITY), IDENTITY, registry);
    }

    @AfterEach
    void unwire() {
        try {
            monitor.close();
            assertThat(node.linkNames()).containsExactlyInAnyOrder("lo", "hn-br", "gw-port");
        } finally {
            node.close();
            gateway.close();
            registry.close();
        }
    }

    @Test
    void aRoutedNetworkIsCheckedSoonAndOnRequestAndForgottenWithItsRoute() throws Exception {
        Config config = ConfigLoader.parse(ROUTED, "test");
        VmNetwork plain = config.vmNetwork("plain").orElseThrow();
        VmNetwork bare = config.vmNetwork("bare").orElseThrow();
        assertThat(threads("connectivity-")).isZero();

        monitor.configChanged(config);

        assertThat(monitor.current(bare).state()).isEqualTo(ConnectivityState.NOT_APPLICABLE);
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (monitor.current(plain).state() == ConnectivityState.UNKNOWN && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertThat(monitor.current(plain).state()).isEqualTo(ConnectivityState.ACTIVE);
        Connectivity now = monitor.checkNow(plain);
        assertThat(now.state()).isEqualTo(ConnectivityState.ACTIVE);
        assertThat(monitor.current(plain)).isEqualTo(now);
        String scrape = registry.scrape();
        assertThat(scrape).contains("vmnetd_connectivity_state{network=\"plain\",state=\"active\"} 1.0")
                .contains("vmnetd_connectivity_state{network=\"plain\",state=\"inactive\"} 0.0")
                .contains("vmnetd_connectivity_checks_total{network=\"plain\",state=\"active\"}")
                .contains("vmnetd_connectivity_check_duration_seconds_bucket{state=\"active\",le=\"1.0\"}")
                .doesNotContain("network=\"bare\"");
        assertThat(threads("connectivity-")).isPositive();

        monitor.configChanged(ConfigLoader.parse(ROUTED.replace(
                "route: {mode: manual, cidr: 10.8.0.0/24, gateway: 10.8.0.1}", "vlan: null"), "test"));

        assertThat(monitor.current(plain).state()).isEqualTo(ConnectivityState.NOT_APPLICABLE);
        assertThat(registry.scrape()).doesNotContain("vmnetd_connectivity_state{");
        until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (threads("connectivity-") > 0 && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertThat(threads("connectivity-")).as("threads once nothing is checked").isZero();
    }

    @Test
    void aChangedGatewayIsCheckedAgainAndGoesInactive() throws Exception {
        monitor.configChanged(ConfigLoader.parse(ROUTED, "test"));
        Config wrong = ConfigLoader.parse(ROUTED.replace("gateway: 10.8.0.1", "gateway: 10.8.0.99"), "test");
        VmNetwork plain = wrong.vmNetwork("plain").orElseThrow();

        monitor.configChanged(wrong);

        assertThat(monitor.current(plain).state()).isEqualTo(ConnectivityState.UNKNOWN);
        assertThat(monitor.current(plain).reason()).contains("the network changed; checking again");
        Connectivity c = monitor.checkNow(plain);
        assertThat(c.state()).isEqualTo(ConnectivityState.INACTIVE);
        assertThat(c.gateway()).contains("10.8.0.99");
    }

    private static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }
}
