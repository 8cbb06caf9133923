package io.vmnetd.netlink.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.Ipv6AddrGenMode;
import io.vmnetd.netlink.LinkChange;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.Neighbour;
import io.vmnetd.netlink.NeighbourParameters;
import io.vmnetd.netlink.NeighbourState;
import io.vmnetd.netlink.Neighbours;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.sys.Native;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.TestNetns;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Neighbour entries made, read and deleted with the library, checked with {@code ip -j neigh show},
 * {@code ip ntable show} and tcpdump: "prober" has v0 without an IPv4 address, "peer" has its other end v1 at
 * 10.30.0.1/24.
 */
public class NeighboursHostTest {
    private static final InetAddress PEER = IpPrefix.parseAddress("10.30.0.1");
    private static final InetAddress NOBODY = IpPrefix.parseAddress("10.30.0.77");

    private TestNetns prober;
    private TestNetns peer;
    private RtNetlink rtnl;
    private Neighbours neighbours;
    private int v0;

    @BeforeEach
    void setUp() {
        prober = TestNetns.create();
        peer = TestNetns.create();
        rtnl = prober.rtnl();
        try (NetNs peerNs = NetNs.open(peer.path())) {
            rtnl.links().create(LinkSpec.veth("v0", "v1").peerNamespace(peerNs).up());
        }
        peer.ip("addr", "add", "10.30.0.1/24", "dev", "v1");
        peer.ip("link", "set", "v1", "up");
        v0 = rtnl.links().get("v0").index();
        neighbours = rtnl.neighbours();
    }

    @AfterEach
    void tearDown() {
        try {
            prober.close();
        } finally {
            peer.close();
        }
    }

    @Test
    void resolvingFromALinkWithoutAnAddressSendsAnRfc5227ProbeAndLearnsTheAnswer() throws Exception {
        String peerMac = peer.link("v1").get("address").asText();
        String mine = prober.link("v0").get("address").asText();
        List<String> frames;
        Neighbour answered;
        try (Capture arp = Capture.start(peer, "v1", "arp", 2)) {
            neighbours.resolve(v0, PEER);
            answered = await(PEER, n -> n.state().isResolved());
            frames = arp.await();
        }

        assertThat(answered.mac()).contains(MacAddress.parse(peerMac));
        assertThat(answered.state()).isEqualTo(NeighbourState.REACHABLE);
        assertThat(answered.linkIndex()).isEqualTo(v0);
        assertThat(frames).anyMatch(l -> l.contains(mine + " > ff:ff:ff:ff:ff:ff")
                && l.contains("Request who-has 10.30.0.1 tell 0.0.0.0"));
        JsonNode ip = ipNeigh("10.30.0.1");
        assertThat(ip.get("lladdr").asText()).isEqualTo(peerMac);
        assertThat(ip.get("state").get(0).asText()).isEqualTo("REACHABLE");
    }

    @Test
    void anUnansweredResolutionSendsTheLinksProbesAndFails() throws Exception {
        neighbours.setParameters(Native.AF_INET, v0, NeighbourParameters.create()
                .retransmitTime(Duration.ofMillis(100)).multicastProbes(3).unicastProbes(0).applicationProbes(0));
        String ntable = prober.ip("ntable", "show", "dev", "v0", "name", "arp_cache");
        assertThat(ntable).contains("retrans 100 ").contains("mcast_probes 3").contains("ucast_probes 0")
                .contains("app_probes 0");

        long start = System.nanoTime();
        List<String> frames;
        Neighbour failed;
        try (Capture arp = Capture.start(peer, "v1", "arp", 3)) {
            neighbours.resolve(v0, NOBODY);
            assertThat(neighbours.find(v0, NOBODY)).hasValueSatisfying(n -> {
                assertThat(n.state()).isEqualTo(NeighbourState.INCOMPLETE);
                assertThat(n.mac()).isEmpty();
            });
            failed = await(NOBODY, n -> n.state() == NeighbourState.FAILED);
            frames = arp.await();
        }

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
        assertThat(failed.probes()).isEqualTo(3);
        assertThat(frames).filteredOn(l -> l.contains("Request who-has 10.30.0.77 tell 0.0.0.0")).hasSize(3);
        assertThat(ipNeigh("10.30.0.77").get("state").get(0).asText()).isEqualTo("FAILED");
    }

    @Test
    void entriesAreListedPerLinkAndDeleted() {
        prober.ip("neigh", "add", "10.30.0.5", "lladdr", "02:00:00:00:00:05", "dev", "v0", "nud", "permanent");
        prober.ip("link", "add", "other0", "type", "veth", "peer", "name", "other1");
        prober.ip("link", "set", "other0", "up");
        prober.ip("neigh", "add", "10.40.0.5", "lladdr", "02:00:00:00:00:06", "dev", "other0", "nud", "permanent");

        assertThat(neighbours.list(Native.AF_INET, v0)).singleElement().satisfies(n -> {
            assertThat(n.address()).isEqualTo(IpPrefix.parseAddress("10.30.0.5"));
            assertThat(n.mac()).contains(MacAddress.parse("02:00:00:00:00:05"));
            assertThat(n.state()).isEqualTo(NeighbourState.PERMANENT);
        });

        assertThat(neighbours.deleteIfExists(v0, IpPrefix.parseAddress("10.30.0.5"))).isTrue();
        assertThat(neighbours.deleteIfExists(v0, IpPrefix.parseAddress("10.30.0.5"))).isFalse();
        assertThat(neighbours.find(v0, IpPrefix.parseAddress("10.30.0.5"))).isEmpty();
        assertThat(prober.ip("-4", "neigh", "show", "dev", "v0")).doesNotContain("10.30.0.5");
        assertThat(prober.ip("-4", "neigh", "show", "dev", "other0")).contains("10.40.0.5");
    }

    @Test
    void badArgumentsFailBeforeAnythingIsSentAndAMissingLinkIsENODEV() {
        assertThatThrownBy(() -> neighbours.resolve(0, PEER)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("link");
        assertThatThrownBy(() -> neighbours.setParameters(Native.AF_BRIDGE, v0, NeighbourParameters.create()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("family");
        assertThatThrownBy(() -> NeighbourParameters.create().retransmitTime(Duration.ofMillis(5)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("retransmit time");
        assertThatThrownBy(() -> neighbours.resolve(v0 + 100, PEER))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
    }

    @Test
    void withoutALinkLocalAddressALinkSendsNoIpv6() throws Exception {
        prober.ip("link", "add", "quiet0", "type", "veth", "peer", "name", "quiet1");
        prober.ip("link", "set", "quiet1", "up");
        String quiet0 = prober.link("quiet0").get("address").asText();
        rtnl.links().change("quiet0", LinkChange.create().ipv6AddrGenMode(Ipv6AddrGenMode.NONE));
        List<String> frames;
        try (Capture ipv6 = Capture.start(prober, "quiet1", "ip6 and ether src " + quiet0, 1)) {
            rtnl.links().setUp("quiet0");
            // Duplicate address detection and the MLD report of a link-local address go out within a second.
            Thread.sleep(2000);
            frames = ipv6.stop();
        }

        assertThat(prober.link("quiet0").get("inet6_addr_gen_mode").asText()).isEqualTo("none");
        assertThat(TestNetns.flags(prober.link("quiet0"))).contains("UP", "LOWER_UP");
        assertThat(prober.addresses("quiet0")).isEmpty();
        assertThat(frames).noneMatch(l -> l.contains(quiet0 + " > "));
        // The same capture sees a link that makes its link-local address.
        prober.ip("link", "add", "loud0", "type", "veth", "peer", "name", "loud1");
        prober.ip("link", "set", "loud1", "up");
        String loud0 = prober.link("loud0").get("address").asText();
        try (Capture ipv6 = Capture.start(prober, "loud1", "ip6 and ether src " + loud0, 1)) {
            rtnl.links().setUp("loud0");
            assertThat(ipv6.await()).anyMatch(l -> l.contains(loud0 + " > "));
        }
    }

    private Neighbour await(InetAddress address, Predicate<Neighbour> done) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Optional<Neighbour> n = neighbours.find(v0, address);
        while (n.filter(done).isEmpty() && System.nanoTime() < until) {
            Thread.sleep(10);
            n = neighbours.find(v0, address);
        }
        return n.filter(done).orElseThrow(() -> new AssertionError("neighbour " + address + " on v0: "
                + neighbours.find(v0, address)));
    }

    private JsonNode ipNeigh(String address) {
        for (JsonNode n : TestNetns.json(prober.ip("-j", "-4", "neigh", "show", "dev", "v0"))) {
            if (n.get("dst").asText().equals(address)) {
                return n;
            }
        }
        throw new AssertionError(address + " not in ip neigh show dev v0");
    }

    /** {@code tcpdump -e -nn -c COUNT FILTER} on a link of a namespace: the frames it printed. */
    private static final class Capture implements AutoCloseable {
        private final Process process;

        private Capture(Process process) {
            this.process = process;
        }

        static Capture start(TestNetns ns, String dev, String filter, int count) throws IOException {
            Process p = new ProcessBuilder("ip", "netns", "exec", ns.name(), "timeout", "10", "tcpdump", "-e", "-nn",
                    "-l", "-c", String.valueOf(count), "-i", dev, filter).start();
            InputStream err = p.getErrorStream();
            StringBuilder said = new StringBuilder();
            int c;
            while (!said.toString().contains("listening on") && (c = err.read()) >= 0) {
                said.append((char) c);
            }
            return new Capture(p);
        }

        /** Waits for tcpdump's count of frames (10 s at most). */
        List<String> await() throws IOException, InterruptedException {
            process.waitFor(10, TimeUnit.SECONDS);
            return List.of(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }

        /** Ends the capture now. */
        List<String> stop() throws IOException, InterruptedException {
            Shell.run("kill", "-INT", String.valueOf(process.toHandle().descendants()
                    .reduce((a, b) -> b).map(ProcessHandle::pid).orElse(process.pid())));
            return await();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
