package io.vmnetd.netlink.host;

import static io.vmnetd.netlink.testing.TestNetns.flags;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.Ipv6AddrGenMode;
import io.vmnetd.netlink.LinkChange;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.OperState;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.testing.IpMonitor;
import io.vmnetd.netlink.testing.TestNetns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Veth pairs across namespaces, moving links between namespaces, and {@link NetNs} itself. */
class VethNamespacesHostTest {
    private static final Path THREAD_NET_NS = Path.of("/proc/thread-self/ns/net");

    private TestNetns a;
    private TestNetns b;

    @BeforeEach
    void setUp() {
        a = TestNetns.create();
        b = TestNetns.create();
    }

    @AfterEach
    void tearDown() {
        try {
            a.close();
        } finally {
            b.close();
        }
    }

    @Test
    void vethPeerIsCreatedStraightInsideTheOtherNamespaceWithItsMacAndMtu() {
        NetNs pod = b.open();

        try (IpMonitor seenInA = IpMonitor.start(a)) {
            a.rtnl().links().create(LinkSpec.veth("host0", "eth0").mtu(1400)
                    .peerNamespace(pod).peerMac(MacAddress.parse("02:00:0a:00:00:02")));

            // The kernel registers the peer before the host end: once host0 is reported, eth0 would have been.
            assertThat(seenInA.awaitLine("host0", Duration.ofSeconds(2))).isTrue();
            assertThat(seenInA.lines()).noneMatch(l -> l.contains("eth0"));
        }

        JsonNode host = a.link("host0");
        assertThat(host.at("/linkinfo/info_kind").asText()).isEqualTo("veth");
        assertThat(host.get("mtu").asInt()).isEqualTo(1400);
        JsonNode peer = b.link("eth0");
        assertThat(peer.at("/linkinfo/info_kind").asText()).isEqualTo("veth");
        assertThat(peer.get("address").asText()).isEqualTo("02:00:0a:00:00:02");
        assertThat(peer.get("mtu").asInt()).isEqualTo(1400);
        assertThat(a.linkNames()).containsExactlyInAnyOrder("lo", "host0");
        assertThat(b.linkNames()).containsExactlyInAnyOrder("lo", "eth0");
        assertThat(a.rtnl().links().get("host0").parentNetnsId()).contains(host.get("link_netnsid").asInt());
    }

    @Test
    void vethMadeUpInsideAnotherNamespaceHasItsPeerHereDownAndGetsCarrierWhenThePeerComesUp() {
        a.rtnl().links().create(LinkSpec.veth("eth0", "host0").namespace(b.open())
                .mac(MacAddress.parse("02:00:0a:00:00:03")).mtu(1400).up());

        assertThat(a.linkNames()).containsExactlyInAnyOrder("lo", "host0");
        assertThat(b.linkNames()).containsExactlyInAnyOrder("lo", "eth0");
        assertThat(flags(a.link("host0"))).doesNotContain("UP");
        assertThat(a.link("host0").get("mtu").asInt()).isEqualTo(1400);
        JsonNode pod = b.link("eth0");
        assertThat(flags(pod)).contains("UP").doesNotContain("LOWER_UP");
        assertThat(pod.get("address").asText()).isEqualTo("02:00:0a:00:00:03");
        assertThat(pod.get("mtu").asInt()).isEqualTo(1400);

        a.rtnl().links().setUp("host0");
        assertThat(flags(b.link("eth0"))).contains("LOWER_UP");
    }

    /**
     * A dormant peer raised together with address generation mode none gets no IPv6 address: the mode, applied last
     * in that message, is in place before the link watch marks the link up. Its pod end, IPv6 on, gets its own.
     * (Here the link watch usually sees host0's carrier off before the change, which makes it not up either; on a
     * busy node it can be a second late, and a link still "unknown" then got its address at once: in the lab.)
     */
    @Test
    void aDormantPeerRaisedWithAddrGenModeNoneGetsNoIpv6Address() throws InterruptedException {
        a.rtnl().links().create(LinkSpec.veth("eth0", "host0").namespace(b.open()).up().peerDormant());
        // DORMANT, or DOWN once the link watch has seen its carrier off: either way not up, so IPv6 waits.
        assertThat(a.rtnl().links().get("host0").operState()).isNotIn(OperState.UNKNOWN, OperState.UP);

        a.rtnl().links().change("host0", LinkChange.create().up().ipv6AddrGenMode(Ipv6AddrGenMode.NONE));

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!(a.link("host0").get("operstate").asText().equals("UP") && hasLinkLocal(b, "eth0"))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(a.link("host0").get("operstate").asText()).isEqualTo("UP");
        assertThat(hasLinkLocal(b, "eth0")).as("the pod end's IPv6 addresses: %s", b.addresses("eth0")).isTrue();
        Thread.sleep(500);
        assertThat(a.addresses("host0")).as("host0's addresses").isEmpty();
        assertThat(a.link("host0").get("inet6_addr_gen_mode").asText()).isEqualTo("none");
    }

    private static boolean hasLinkLocal(TestNetns ns, String dev) {
        for (JsonNode address : ns.addresses(dev)) {
            if (address.path("family").asText().equals("inet6") && address.path("local").asText().startsWith("fe80:")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void vethCreatedUpWithATxQueueLengthHasThemOnItsOwnEndOnly() {
        a.rtnl().links().create(LinkSpec.veth("v0", "v1").txQueueLength(321).up());

        assertThat(flags(a.link("v0"))).contains("UP");
        assertThat(a.link("v0").get("txqlen").asInt()).isEqualTo(321);
        assertThat(flags(a.link("v1"))).doesNotContain("UP");
        assertThat(a.link("v1").get("txqlen").asInt()).isEqualTo(1000);
    }

    @Test
    void pingCrossesThePairOnceTheLibraryHasAddressedAndRaisedBothEnds() {
        RtNetlink ra = a.rtnl();
        RtNetlink rb = b.rtnl();
        ra.links().create(LinkSpec.veth("host0", "eth0").peerNamespace(b.open()));

        ra.addresses().add("host0", IpPrefix.parse("10.77.0.1/24"));
        ra.addresses().add("host0", IpPrefix.parse("fd77::1/64"));
        rb.addresses().add("eth0", IpPrefix.parse("10.77.0.2/24"));
        rb.addresses().add("eth0", IpPrefix.parse("fd77::2/64"));
        ra.links().setUp("host0");
        rb.links().setUp("eth0");

        assertThat(a.ping("10.77.0.2")).isTrue();
        assertThat(b.ping("10.77.0.1")).isTrue();
        // No duplicate detection was asked for, so IPv6 needs no wait for DAD; the prefix route comes with the link's
        // carrier, which the kernel's link watcher may report a little later on a loaded machine: a few tries.
        boolean answered = false;
        for (int i = 0; i < 5 && !answered; i++) {
            answered = a.ping("fd77::2");
        }
        assertThat(answered).as("fd77::2 answered one of 5 pings").isTrue();
    }

    @Test
    void moveToTakesTheLinkIntoTheOtherNamespace() {
        RtNetlink ra = a.rtnl();
        ra.links().create(LinkSpec.veth("v0", "v1"));
        ra.links().setMac("v0", MacAddress.parse("02:00:00:00:00:07"));

        ra.links().moveTo("v0", b.open());

        assertThat(a.hasLink("v0")).isFalse();
        assertThat(a.hasLink("v1")).isTrue();
        assertThat(b.link("v0").get("address").asText()).isEqualTo("02:00:00:00:00:07");
        assertThat(b.rtnl().links().find("v0")).isPresent();
    }

    @Test
    void moveAndRenameHappenTogetherInOneChange() {
        RtNetlink ra = a.rtnl();
        ra.links().create(LinkSpec.veth("host0", "tmp0"));
        int hostIndex = a.link("host0").get("ifindex").asInt();

        ra.links().change("tmp0", LinkChange.create().namespace(b.open()).name("eth0").mtu(1450));

        assertThat(a.hasLink("tmp0")).isFalse();
        assertThat(b.hasLink("tmp0")).isFalse();
        assertThat(b.link("eth0").get("mtu").asInt()).isEqualTo(1450);
        // The peer's IFLA_LINK still names host0, now across namespaces.
        assertThat(b.rtnl().links().get("eth0").parentIndex()).isEqualTo(hostIndex);
    }

    @Test
    void vethIsCreatedWithBothEndsInOtherNamespacesAndNothingInTheCallers() {
        try (TestNetns caller = TestNetns.create()) {
            caller.rtnl().links().create(LinkSpec.veth("left0", "right0").namespace(a.open()).peerNamespace(b.open()));

            assertThat(caller.linkNames()).containsExactly("lo");
            assertThat(a.linkNames()).containsExactlyInAnyOrder("lo", "left0");
            assertThat(b.linkNames()).containsExactlyInAnyOrder("lo", "right0");
        }
    }

    @Test
    void linkIsCreatedStraightInsideAnotherNamespace() {
        a.rtnl().links().create(LinkSpec.bridge("br9", false, 0).namespace(b.open()));

        assertThat(a.hasLink("br9")).isFalse();
        assertThat(b.link("br9").at("/linkinfo/info_kind").asText()).isEqualTo("bridge");
    }

    @Test
    void handlesOnTwoNamespacesUsedFromOneThreadDoNotMix() {
        RtNetlink ra = a.rtnl();
        RtNetlink rb = b.rtnl();

        ra.links().create(LinkSpec.bridge("x0", false, 0).mtu(1300));
        rb.links().create(LinkSpec.bridge("x0", false, 0).mtu(1200));
        ra.links().create(LinkSpec.bridge("onlyA", false, 0));
        rb.links().create(LinkSpec.bridge("onlyB", false, 0));

        assertThat(a.link("x0").get("mtu").asInt()).isEqualTo(1300);
        assertThat(b.link("x0").get("mtu").asInt()).isEqualTo(1200);
        assertThat(a.linkNames()).containsExactlyInAnyOrder("lo", "x0", "onlyA");
        assertThat(b.linkNames()).containsExactlyInAnyOrder("lo", "x0", "onlyB");
        assertThat(ra.links().get("x0").mtu()).isEqualTo(1300);
        assertThat(rb.links().get("x0").mtu()).isEqualTo(1200);
    }

    @Test
    void openInLeavesTheCallersThreadInItsOwnNamespace() throws IOException {
        Path before = Files.readSymbolicLink(THREAD_NET_NS);

        try (RtNetlink inA = RtNetlink.openIn(a.path()); NetNs nsB = NetNs.open(b.path());
             RtNetlink inB = RtNetlink.openIn(nsB)) {
            assertThat(Files.readSymbolicLink(THREAD_NET_NS)).isEqualTo(before);
            inA.links().create(LinkSpec.bridge("brA", false, 0));
            inB.links().create(LinkSpec.bridge("brB", false, 0));
            assertThat(Files.readSymbolicLink(THREAD_NET_NS)).isEqualTo(before);
        }

        assertThat(a.hasLink("brA")).isTrue();
        assertThat(b.hasLink("brB")).isTrue();
    }

    @Test
    void executeRunsInsideTheNamespaceAndReturnsItsResult() throws IOException {
        Path caller = Files.readSymbolicLink(THREAD_NET_NS);
        Object inode = Files.getAttribute(a.path(), "unix:ino");

        Path inside = a.open().execute(() -> {
            try {
                return Files.readSymbolicLink(THREAD_NET_NS);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(inside).hasToString("net:[" + inode + "]").isNotEqualTo(caller);
        assertThat(Files.readSymbolicLink(THREAD_NET_NS)).isEqualTo(caller);
    }

    @Test
    void isSameAsComparesTheNamespaceNotThePath() {
        try (NetNs viaRun = NetNs.open(a.path());
             NetNs other = NetNs.open(b.path());
             NetNs viaProc = a.open().execute(NetNs::current)) {
            assertThat(viaRun.isSameAs(viaProc)).isTrue();
            assertThat(viaRun.isSameAs(a.open())).isTrue();
            assertThat(viaRun.isSameAs(other)).isFalse();
            try (NetNs mine = NetNs.current()) {
                assertThat(mine.isSameAs(viaRun)).isFalse();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/proc/self/ns/uts", "/proc/self/ns/mnt", "/etc/hostname", "/run/netns", "/dev/null"})
    void openingSomethingThatIsNotANetworkNamespaceIsAnInvalidArgument(String path) {
        assertThatThrownBy(() -> NetNs.open(Path.of(path)))
                .isInstanceOfSatisfying(InvalidArgumentException.class, e -> {
                    assertThat(e.argument()).isEqualTo("netns");
                    assertThat(e.getMessage()).contains(path);
                });
    }

    @Test
    void openingAMissingPathIsENOENT() {
        Path missing = Path.of("/run/netns", a.name() + "-missing");

        assertThatThrownBy(() -> NetNs.open(missing))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENOENT);
                    assertThat(e.subject()).contains(missing.toString());
                });
        assertThatThrownBy(() -> RtNetlink.openIn(missing))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }
}
