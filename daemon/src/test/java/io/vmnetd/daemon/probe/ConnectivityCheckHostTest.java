package io.vmnetd.daemon.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.config.Route;
import io.vmnetd.daemon.testing.DhcpServer;
import io.vmnetd.daemon.testing.Tcpdump;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.TestNetns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole check on this machine's kernel (veth, a bridge without VLAN filtering, namespaces): a "node" namespace
 * with bridge br0, a DHCP server (Debian's dnsmasq) and a gateway (a namespace whose kernel answers ARP and ping)
 * plugged into it. The probe runs from the test JVM as the daemon would, on the native VLAN.
 */
class ConnectivityCheckHostTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(4);
    private static final ProbeIdentity IDENTITY = new ProbeIdentity("test-node");

    private static TestNetns node;
    private static TestNetns server;
    private static TestNetns gateway;
    private static DhcpServer dhcp;
    private static ConnectivityCheck check;

    @BeforeAll
    static void wire() {
        node = TestNetns.create();
        server = TestNetns.create();
        gateway = TestNetns.create();
        node.ip("link", "add", "br0", "type", "bridge");
        node.ip("link", "set", "br0", "up");
        plug(server, "srv-port", "10.9.0.2/24");
        plug(gateway, "gw-port", "10.9.0.1/24");
        dhcp = DhcpServer.start(server.name(), "eth0", "10.9.0.100", "10.9.0.150", "255.255.255.0", "10.9.0.1");
        check = new ConnectivityCheck(new VethProbePorts(node.rtnl(), IDENTITY), IDENTITY, TIMEOUT);
    }

    private static void plug(TestNetns host, String port, String cidr) {
        node.ip("link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", host.name());
        node.ip("link", "set", port, "master", "br0", "up");
        host.ip("addr", "add", cidr, "dev", "eth0");
        host.ip("link", "set", "eth0", "up");
    }

    @AfterAll
    static void unwire() {
        try {
            if (dhcp != null) {
                dhcp.close();
            }
        } finally {
            Stream.of(node, server, gateway).filter(ns -> ns != null).forEach(TestNetns::close);
        }
    }

    @AfterEach
    void nothingIsLeftBehind() throws IOException {
        assertThat(node.linkNames()).containsExactlyInAnyOrder("lo", "br0", "srv-port", "gw-port");
        assertThat(namespaceFds()).as("descriptors on network namespaces held by the test JVM").isEmpty();
        // Thread.join returns when the probe's thread is done with Java, a moment before the kernel task exits.
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!threadsInOtherNamespaces().isEmpty() && System.nanoTime() < until) {
            Shell.run("sleep", "0.02");
        }
        assertThat(threadsInOtherNamespaces()).as("threads of the test JVM in another network namespace").isEmpty();
    }

    private static List<String> threadsInOtherNamespaces() throws IOException {
        String mine = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        List<String> out = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                readLink(task.resolve("ns/net")).filter(n -> !n.equals(mine)).ifPresent(n -> out.add(task + " " + n));
            }
        }
        return out;
    }

    private static ProbeTarget target(String network, Route route) {
        return new ProbeTarget(network, "test", "br0", 1, route);
    }

    @Test
    void autoLearnsCidrAndGatewayFromTheOfferAndFindsTheGatewayWithoutTakingALease() {
        String gatewayMac = gateway.link("eth0").get("address").asText();
        Connectivity c;
        List<String> frames;
        try (Tcpdump seen = Tcpdump.start(gateway.name(), "eth0")) {
            c = check.run(target("net-auto", Route.auto()));
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (seen.lines().stream().noneMatch(l -> l.contains("is-at")) && System.nanoTime() < until) {
                Shell.run("sleep", "0.05");
            }
            frames = seen.stop();
        }

        assertThat(c.state()).as(c.toString()).isEqualTo(ConnectivityState.ACTIVE);
        assertThat(c.cidr()).contains("10.9.0.0/24");
        assertThat(c.gateway()).contains("10.9.0.1");
        assertThat(c.reason().orElseThrow()).contains("answered ARP from " + gatewayMac);
        assertThat(c.checkedAt()).isPresent();
        assertThat(c.duration()).isLessThan(TIMEOUT);
        String probeMac = IDENTITY.probeMac("net-auto").toString();
        assertThat(Integer.parseInt(probeMac.substring(0, 2), 16) & 0x03).as("locally administered unicast").isEqualTo(2);
        dhcp.awaitLog("DHCPOFFER(eth0) 10.9.0.", Duration.ofSeconds(5));
        assertThat(dhcp.log()).contains("DHCPDISCOVER(eth0) " + probeMac).doesNotContain("DHCPREQUEST");
        assertThat(dhcp.leases()).isBlank();
        // The ARP probe as RFC 5227 has it: a broadcast request from the probe's MAC, sender IP 0.0.0.0.
        assertThat(frames).anyMatch(l -> l.contains(" " + probeMac + " > ff:ff:ff:ff:ff:ff, ethertype ARP")
                && l.contains("Request who-has 10.9.0.1 tell 0.0.0.0"));
        // IPv6 is off in the probe's namespace: no MLD report, router solicitation or DAD from it.
        assertThat(frames).noneMatch(l -> l.contains(" " + probeMac + " > ") && l.contains("IPv6"));
    }

    @Test
    void theProbeMacIsTheSameAtEveryCheckAndDiffersPerNetworkAndNode() {
        check.run(target("net-same", Route.auto()));
        check.run(target("net-same", Route.auto()));

        String mac = IDENTITY.probeMac("net-same").toString();
        // dnsmasq prefixes each line with the transaction's xid: two checks, two xids, one MAC.
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(\\d+) DHCPDISCOVER\\(eth0\\) " + java.util.regex.Pattern.quote(mac)).matcher(dhcp.log());
        java.util.Set<String> xids = new java.util.HashSet<>();
        while (m.find()) {
            xids.add(m.group(1));
        }
        assertThat(xids).hasSize(2);
        assertThat(IDENTITY.probeMac("net-other")).isNotEqualTo(IDENTITY.probeMac("net-same"));
        assertThat(new ProbeIdentity("another-node").probeMac("net-same")).isNotEqualTo(IDENTITY.probeMac("net-same"));
    }

    @Test
    void aManualRouteWithAWrongGatewayIsInactive() {
        Connectivity c = check.run(target("net-manual", Route.manual("10.9.0.0/24", "10.9.0.77")));

        assertThat(c.state()).as(c.toString()).isEqualTo(ConnectivityState.INACTIVE);
        assertThat(c.cidr()).contains("10.9.0.0/24");
        assertThat(c.gateway()).contains("10.9.0.77");
        assertThat(c.reason().orElseThrow()).startsWith("gateway 10.9.0.77 did not answer").contains("ARP probes");
        assertThat(c.duration()).isLessThan(TIMEOUT.plusSeconds(2));
    }

    @Test
    void aManualRouteWithTheRightGatewayIsActive() {
        Connectivity c = check.run(target("net-manual2", Route.manual("10.9.0.0/24", "10.9.0.1")));

        assertThat(c.state()).as(c.toString()).isEqualTo(ConnectivityState.ACTIVE);
    }

    @Test
    void pingFromTheOfferedAddressAndFromPingFrom() {
        Connectivity auto = check.run(target("net-ping", Route.auto().withPing(Optional.empty())));
        Connectivity manual = check.run(target("net-ping2",
                Route.manual("10.9.0.0/24", "10.9.0.1").withPing(Optional.of("10.9.0.200"))));

        assertThat(auto.state()).as(auto.toString()).isEqualTo(ConnectivityState.ACTIVE);
        assertThat(auto.reason().orElseThrow()).contains("and ICMP echo from 10.9.0.1");
        assertThat(manual.state()).as(manual.toString()).isEqualTo(ConnectivityState.ACTIVE);
        assertThat(manual.reason().orElseThrow()).contains("and ICMP echo from 10.9.0.200 in");
    }

    @Test
    void aGatewayThatDropsPingIsInactiveAndSaysSo() {
        gateway.exec("sysctl", "-qw", "net.ipv4.icmp_echo_ignore_all=1").orThrow();
        try {
            Connectivity c = check.run(target("net-noping",
                    Route.manual("10.9.0.0/24", "10.9.0.1").withPing(Optional.of("10.9.0.201"))));

            assertThat(c.state()).as(c.toString()).isEqualTo(ConnectivityState.INACTIVE);
            assertThat(c.reason().orElseThrow()).contains("answered ARP").contains("but not")
                    .contains("ICMP echo requests from 10.9.0.201");
        } finally {
            gateway.exec("sysctl", "-qw", "net.ipv4.icmp_echo_ignore_all=0").orThrow();
        }
    }

    @Test
    void aPingFromAddressInUseIsNeverBorrowed() {
        String serverMac = server.link("eth0").get("address").asText();

        Connectivity c = check.run(target("net-inuse",
                Route.manual("10.9.0.0/24", "10.9.0.1").withPing(Optional.of("10.9.0.2"))));

        assertThat(c.state()).as(c.toString()).isEqualTo(ConnectivityState.ERROR);
        assertThat(c.reason().orElseThrow()).contains("not pinging from 10.9.0.2: it is in use by " + serverMac);
    }

    @Test
    void withoutADhcpServerAutoIsDhcpFailedWithinTheTimeout() {
        dhcp.close();
        try {
            Connectivity c = check.run(target("net-nodhcp", Route.auto()));

            assertThat(c.state()).as(c.toString()).isEqualTo(ConnectivityState.DHCP_FAILED);
            assertThat(c.cidr()).isEmpty();
            assertThat(c.reason().orElseThrow()).startsWith("no DHCP OFFER on the native VLAN (1) to ")
                    .contains(" DISCOVERs in ");
            assertThat(c.duration()).isLessThan(TIMEOUT.plusSeconds(2));
        } finally {
            dhcp = DhcpServer.start(server.name(), "eth0", "10.9.0.100", "10.9.0.150", "255.255.255.0", "10.9.0.1");
        }
    }

    @Test
    void aVlanOnABridgeWithoutVlanFilteringOrAMissingBridgeIsAnError() {
        Connectivity vlan = check.run(new ProbeTarget("net-vlan", "test", "br0", 100, Route.auto()));
        Connectivity nobridge = check.run(new ProbeTarget("net-nobr", "test", "nosuch-br", 1, Route.auto()));

        assertThat(vlan.state()).isEqualTo(ConnectivityState.ERROR);
        assertThat(vlan.reason()).contains("bridge br0 does not filter VLANs, so VLAN 100 cannot be joined");
        assertThat(nobridge.state()).isEqualTo(ConnectivityState.ERROR);
        assertThat(nobridge.reason()).contains("bridge nosuch-br does not exist");
    }

    @Test
    void ipv6RoutesAreNotApplicable() {
        Connectivity c = check.run(target("net-v6", Route.manual("2001:db8::/64", "2001:db8::1")));

        assertThat(c.state()).isEqualTo(ConnectivityState.NOT_APPLICABLE);
    }

    @Test
    void leftoverProbePortsAreRemovedAndNothingElse() {
        node.ip("link", "add", "vmprobe0000dead", "type", "veth", "peer", "name", "vmprobe-peer");
        node.ip("link", "add", "vmprobe-notveth", "type", "bridge");

        try {
            int removed = new VethProbePorts(node.rtnl(), IDENTITY).removeLeftovers();

            assertThat(removed).isEqualTo(1); // one pair: its second end went with the first
            assertThat(node.linkNames()).contains("vmprobe-notveth").doesNotContain("vmprobe0000dead", "vmprobe-peer");
        } finally {
            node.ip("link", "del", "vmprobe-notveth");
        }
    }

    /** The test JVM's descriptors that are network namespaces ("net:[inode]"). */
    private static List<String> namespaceFds() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                readLink(fd).filter(t -> t.startsWith("net:")).ifPresent(t -> out.add(fd + " -> " + t));
            }
        }
        return out;
    }

    private static Optional<String> readLink(Path p) {
        try {
            return Optional.of(Files.readSymbolicLink(p).toString());
        } catch (IOException e) {
            return Optional.empty(); // closed or ended meanwhile
        }
    }
}
