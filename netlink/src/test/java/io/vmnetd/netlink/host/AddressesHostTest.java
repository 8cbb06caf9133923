package io.vmnetd.netlink.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.netlink.Address;
import io.vmnetd.netlink.IpPrefix;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.sys.Native;
import io.vmnetd.netlink.testing.TestNetns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Addresses made with the library, checked with {@code ip -j addr show}. */
class AddressesHostTest {
    private static final int IFA_F_NODAD = 0x02;
    /** ifa_scope numbers and the names iproute2 prints for them. */
    private static final Map<Integer, String> SCOPES = Map.of(0, "global", 200, "site", 253, "link", 254, "host");

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
    }

    @AfterEach
    void tearDown() {
        ns.close();
    }

    @Test
    void ipv4AddressIsAddedListedAndDeleted() {
        IpPrefix prefix = IpPrefix.parse("10.20.30.40/24");

        rtnl.addresses().add("v0", prefix);

        JsonNode ip = addressOf("v0", "10.20.30.40");
        assertThat(ip.get("family").asText()).isEqualTo("inet");
        assertThat(ip.get("prefixlen").asInt()).isEqualTo(24);
        assertThat(ip.get("broadcast").asText()).isEqualTo("10.20.30.255");
        assertThat(ipv4(rtnl.addresses().list("v0"))).containsExactly(prefix);
        assertThat(rtnl.addresses().list(Optional.empty()))
                .filteredOn(a -> a.index() == v0).extracting(Address::prefix).contains(prefix);

        rtnl.addresses().delete("v0", prefix);

        assertThat(locals("v0")).doesNotContain("10.20.30.40");
        assertThat(rtnl.addresses().list("v0")).extracting(Address::prefix).doesNotContain(prefix);
    }

    @Test
    void ipv6AddressIsAddedWithoutDuplicateDetectionListedAndDeleted() {
        IpPrefix prefix = IpPrefix.parse("fd00:20::5/64");

        rtnl.addresses().add("v0", prefix);

        JsonNode ip = addressOf("v0", "fd00:20::5");
        assertThat(ip.get("family").asText()).isEqualTo("inet6");
        assertThat(ip.get("prefixlen").asInt()).isEqualTo(64);
        assertThat(ip.path("nodad").asBoolean()).isTrue();
        assertThat(ip.has("tentative")).isFalse();
        assertThat(rtnl.addresses().list("v0")).filteredOn(a -> a.prefix().equals(prefix))
                .singleElement().satisfies(a -> assertThat(a.flags() & IFA_F_NODAD).isNotZero());

        rtnl.addresses().delete("v0", prefix);

        assertThat(locals("v0")).doesNotContain("fd00:20::5");
    }

    @Test
    void addressListOfOneLinkLeavesOutOtherLinks() {
        rtnl.addresses().add("v0", IpPrefix.parse("10.1.0.1/24"));
        rtnl.addresses().add("v1", IpPrefix.parse("10.2.0.1/24"));

        assertThat(rtnl.addresses().list("v1")).extracting(a -> a.prefix().toString())
                .contains("10.2.0.1/24").doesNotContain("10.1.0.1/24");
        assertThat(rtnl.addresses().list(Optional.empty())).extracting(a -> a.prefix().toString())
                .contains("10.1.0.1/24", "10.2.0.1/24", "127.0.0.1/8");
    }

    @Test
    void addressListDecodesWhatIpReportsForEveryAddress() {
        rtnl.addresses().add("v0", IpPrefix.parse("10.1.0.1/24"));
        rtnl.addresses().add("v0", IpPrefix.parse("10.1.1.1/32"));
        rtnl.addresses().add("v1", IpPrefix.parse("fd00:1::1/64"));

        List<String> expected = new ArrayList<>();
        for (JsonNode link : TestNetns.json(ns.ip("-j", "addr", "show"))) {
            for (JsonNode a : link.get("addr_info")) {
                IpPrefix prefix = IpPrefix.parse(a.get("local").asText() + "/" + a.get("prefixlen").asInt());
                expected.add(link.get("ifindex").asInt() + " " + prefix + " " + a.get("scope").asText() + " "
                        + a.path("label").asText("-"));
            }
        }
        List<String> listed = rtnl.addresses().list(Optional.empty()).stream()
                .map(a -> a.index() + " " + a.prefix() + " " + SCOPES.get(a.scope()) + " " + a.label().orElse("-"))
                .toList();

        assertThat(withoutLinkLocal(listed)).containsExactlyInAnyOrderElementsOf(withoutLinkLocal(expected))
                .contains(v0 + " 10.1.1.1/32 global v0");
    }

    @Test
    void addingAnAddressTwiceIsEEXIST() {
        IpPrefix prefix = IpPrefix.parse("10.20.30.40/24");
        rtnl.addresses().add("v0", prefix);

        assertThatThrownBy(() -> rtnl.addresses().add("v0", prefix))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EEXIST);
                    assertThat(e.subject()).contains("v0");
                });
    }

    @Test
    void anAddressOnAMissingLinkIsENODEVAboutThatLink() {
        assertThatThrownBy(() -> rtnl.addresses().add("nope0", IpPrefix.parse("10.99.0.1/24")))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENODEV);
                    assertThat(e.subject()).contains("nope0");
                });
    }

    @Test
    void deletingAnAddressThatIsNotThereIsEADDRNOTAVAIL() {
        assertThatThrownBy(() -> rtnl.addresses().delete("v0", IpPrefix.parse("10.99.0.1/24")))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EADDRNOTAVAIL);
                    assertThat(e.subject()).contains("v0");
                });
    }

    /** The kernel adds fe80:: addresses of its own whenever a link gains carrier, so comparisons leave them out. */
    private static List<String> withoutLinkLocal(List<String> addresses) {
        return addresses.stream().filter(a -> !a.contains(" fe80:")).toList();
    }

    /** The IPv4 ones only: the kernel adds an IPv6 link-local address of its own once the link has carrier. */
    private static List<IpPrefix> ipv4(List<Address> addresses) {
        return addresses.stream().map(Address::prefix).filter(p -> p.family() == Native.AF_INET).toList();
    }

    private JsonNode addressOf(String dev, String local) {
        return StreamSupport.stream(ns.addresses(dev).spliterator(), false)
                .filter(a -> a.get("local").asText().equals(local)).findFirst()
                .orElseThrow(() -> new AssertionError(local + " not on " + dev + ": " + ns.addresses(dev)));
    }

    private List<String> locals(String dev) {
        List<String> out = new ArrayList<>();
        ns.addresses(dev).forEach(a -> out.add(a.get("local").asText()));
        return out;
    }
}
