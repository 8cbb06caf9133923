package io.vmnetd.netlink.host;

import static io.vmnetd.netlink.testing.TestNetns.flags;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkChange;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.Links;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.MacvlanMode;
import io.vmnetd.netlink.testing.TestNetns;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Link create/change operations on this host's kernel, each result read back with {@code ip -j -d link show}. */
class LinksHostTest {
    /** ifi_flags bits and the names iproute2 prints for them. */
    private static final Map<String, Integer> FLAG_BITS = Map.ofEntries(
            Map.entry("UP", 0x1), Map.entry("BROADCAST", 0x2), Map.entry("LOOPBACK", 0x8),
            Map.entry("POINTOPOINT", 0x10), Map.entry("NOARP", 0x80), Map.entry("PROMISC", 0x100),
            Map.entry("ALLMULTI", 0x200), Map.entry("MASTER", 0x400), Map.entry("SLAVE", 0x800),
            Map.entry("MULTICAST", 0x1000), Map.entry("LOWER_UP", 0x10000));

    private TestNetns ns;
    private Links links;

    @BeforeEach
    void setUp() {
        ns = TestNetns.create();
        links = ns.rtnl().links();
    }

    @AfterEach
    void tearDown() {
        ns.close();
    }

    @Test
    void bridgeCreatedWithMtuAndUpIsABridgeThatIpShowsUpWithThatMtu() {
        links.create(LinkSpec.bridge("br0", false, 0).mtu(1400).up());

        JsonNode br = ns.link("br0");
        assertThat(br.at("/linkinfo/info_kind").asText()).isEqualTo("bridge");
        assertThat(br.get("mtu").asInt()).isEqualTo(1400);
        assertThat(flags(br)).contains("UP");
        JsonNode data = br.at("/linkinfo/info_data");
        assertThat(links.get("br0").kind()).isEqualTo(new LinkKind.Bridge(
                data.get("vlan_filtering").asInt() != 0, data.path("vlan_default_pvid").asInt(0)));
    }

    @Test
    void listAndGetDecodeWhatIpReportsForEveryLink() {
        links.create(LinkSpec.bridge("br0", false, 0).up());
        links.create(LinkSpec.veth("v0", "v1").mtu(1450).txQueueLength(77));
        links.create(LinkSpec.veth("v2", "v3"));
        links.setMaster("v0", "br0");
        links.setUp("v0");
        links.setUp("v1");
        links.setPromiscuous("v1", true);
        // Operstate follows carrier through the kernel's asynchronous linkwatch: wait for the final states.
        awaitOperstate("UP", "br0", "v0", "v1");

        List<Link> listed = links.list();
        Map<String, JsonNode> ipByName = new HashMap<>();
        Map<String, Integer> indexByName = new HashMap<>();
        for (JsonNode l : ns.links()) {
            ipByName.put(l.get("ifname").asText(), l);
            indexByName.put(l.get("ifname").asText(), l.get("ifindex").asInt());
        }
        assertThat(listed).extracting(Link::name)
                .containsExactlyInAnyOrderElementsOf(ipByName.keySet())
                .contains("lo", "br0", "v0", "v1", "v2", "v3");
        for (Link link : listed) {
            assertMatchesIp(link, ipByName.get(link.name()), indexByName);
            assertThat(links.get(link.name())).isEqualTo(link);
            assertThat(links.get(link.index())).isEqualTo(link);
        }
        assertThat(links.get("v0").kind()).isEqualTo(new LinkKind.Veth());
        assertThat(links.get("v0").parentIndex()).isEqualTo(indexByName.get("v1"));
        assertThat(links.get("v0").slaveKind()).contains("bridge");
        assertThat(links.get("lo").kind()).isEqualTo(new LinkKind.Device());
    }

    @ParameterizedTest
    @EnumSource(value = MacvlanMode.class, names = {"BRIDGE", "VEPA"})
    void macvlanOnAVethParentHasTheRequestedModeAndParent(MacvlanMode mode) {
        links.create(LinkSpec.veth("v0", "v1"));
        int parent = links.get("v0").index();

        links.create(LinkSpec.macvlan("mv0", parent, mode).mac(MacAddress.parse("02:00:00:00:aa:01")));

        JsonNode mv = ns.link("mv0");
        assertThat(mv.at("/linkinfo/info_kind").asText()).isEqualTo("macvlan");
        assertThat(mv.at("/linkinfo/info_data/mode").asText()).isEqualTo(mode.name().toLowerCase());
        assertThat(mv.get("link").asText()).isEqualTo("v0");
        assertThat(mv.get("address").asText()).isEqualTo("02:00:00:00:aa:01");
        Link decoded = links.get("mv0");
        assertThat(decoded.kind()).isEqualTo(new LinkKind.Macvlan(mode));
        assertThat(decoded.parentIndex()).isEqualTo(parent);
    }

    @Test
    void mtuChangeIsSeenByIp() {
        links.create(LinkSpec.veth("v0", "v1"));

        links.setMtu("v0", 9000);

        assertThat(ns.link("v0").get("mtu").asInt()).isEqualTo(9000);
        assertThat(ns.link("v1").get("mtu").asInt()).isEqualTo(1500);
    }

    @ParameterizedTest
    @ValueSource(ints = {70000, 65536, 67, 10, 0, -1})
    void mtuOutsideTheVethRangeIsRejectedNamingMtuAndChangesNothing(int mtu) {
        links.create(LinkSpec.veth("v0", "v1"));
        JsonNode before = ns.links();

        assertThatThrownBy(() -> links.setMtu("v0", mtu))
                .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.argument()).isEqualTo("mtu"));

        assertThat(ns.links()).isEqualTo(before);
    }

    @Test
    void masterAndNoMasterAreSeenByIp() {
        links.create(LinkSpec.bridge("br0", false, 0));
        links.create(LinkSpec.veth("v0", "v1"));

        links.setMaster("v0", "br0");
        assertThat(ns.link("v0").get("master").asText()).isEqualTo("br0");
        assertThat(ns.link("v0").at("/linkinfo/info_slave_kind").asText()).isEqualTo("bridge");

        links.setNoMaster("v0");
        assertThat(ns.link("v0").has("master")).isFalse();
        assertThat(links.get("v0").hasMaster()).isFalse();
    }

    @Test
    void bridgePortSettingsMadeWithIpAreDecoded() {
        links.create(LinkSpec.bridge("br0", false, 0).up());
        links.create(LinkSpec.veth("v0", "v1"));
        links.setMaster("v0", "br0");
        ns.ip("link", "set", "v0", "type", "bridge_slave", "learning", "off", "isolated", "on");
        ns.ip("link", "set", "v1", "up");
        ns.ip("link", "set", "v0", "up");
        awaitOperstate("UP", "v0");

        JsonNode ip = ns.link("v0").at("/linkinfo/info_slave_data");
        Link.BridgePort port = links.get("v0").bridgePort().orElseThrow();
        assertThat(port.learning()).isEqualTo(ip.get("learning").asBoolean()).isFalse();
        assertThat(port.isolated()).isEqualTo(ip.get("isolated").asBoolean()).isTrue();
        assertThat(port.isForwarding()).isEqualTo(ip.get("state").asText().equals("forwarding")).isTrue();
    }

    @Test
    void bridgePortCreatedWithAMasterIsEnslavedAtOnce() {
        links.create(LinkSpec.bridge("br0", false, 0));
        int bridge = links.get("br0").index();

        links.create(LinkSpec.veth("v0", "v1").master(bridge));

        assertThat(ns.link("v0").get("master").asText()).isEqualTo("br0");
        assertThat(ns.link("v1").has("master")).isFalse();
    }

    @Test
    void renameKeepsTheIfindexAndRetiresTheOldName() {
        links.create(LinkSpec.bridge("br0", false, 0));
        int index = ns.link("br0").get("ifindex").asInt();

        links.rename("br0", "renamed0");

        assertThat(ns.hasLink("br0")).isFalse();
        assertThat(ns.link("renamed0").get("ifindex").asInt()).isEqualTo(index);
        assertThat(links.find("br0")).isEmpty();
    }

    @Test
    void macChangeIsSeenByIp() {
        links.create(LinkSpec.veth("v0", "v1"));

        links.setMac("v0", MacAddress.parse("02:11:22:33:44:55"));

        assertThat(ns.link("v0").get("address").asText()).isEqualTo("02:11:22:33:44:55");
    }

    @Test
    void txQueueLengthChangeIsSeenByIp() {
        links.create(LinkSpec.veth("v0", "v1"));

        links.setTxQueueLength("v0", 123);

        assertThat(ns.link("v0").get("txqlen").asInt()).isEqualTo(123);
    }

    @Test
    void promiscuousModeGoesOnAndOff() {
        links.create(LinkSpec.veth("v0", "v1"));

        links.setPromiscuous("v0", true);
        assertThat(flags(ns.link("v0"))).contains("PROMISC");
        assertThat(ns.link("v0").get("promiscuity").asInt()).isEqualTo(1);

        links.setPromiscuous("v0", false);
        assertThat(flags(ns.link("v0"))).doesNotContain("PROMISC");
        assertThat(ns.link("v0").get("promiscuity").asInt()).isZero();
    }

    @Test
    void upAndDownAreSeenByIp() {
        links.create(LinkSpec.veth("v0", "v1"));

        links.setUp("v0");
        links.setUp("v1");
        assertThat(flags(ns.link("v0"))).contains("UP", "LOWER_UP");
        awaitOperstate("UP", "v0");

        links.setDown("v1");
        assertThat(flags(ns.link("v1"))).doesNotContain("UP");
        // The other end loses its carrier when its peer goes down.
        awaitOperstate("LOWERLAYERDOWN", "v0");
    }

    @Test
    void severalSettingsChangeTogetherInOneCall() {
        links.create(LinkSpec.veth("v0", "v1"));

        links.change("v0", LinkChange.create().mtu(2000).mac(MacAddress.parse("02:00:00:00:00:42"))
                .txQueueLength(500).up());

        JsonNode v0 = ns.link("v0");
        assertThat(v0.get("mtu").asInt()).isEqualTo(2000);
        assertThat(v0.get("address").asText()).isEqualTo("02:00:00:00:00:42");
        assertThat(v0.get("txqlen").asInt()).isEqualTo(500);
        assertThat(flags(v0)).contains("UP");
    }

    @Test
    void deleteRemovesBothEndsOfAVethAndDeleteIfExistsToleratesAbsence() {
        links.create(LinkSpec.veth("v0", "v1"));

        links.delete("v0");

        assertThat(ns.hasLink("v0")).isFalse();
        assertThat(ns.hasLink("v1")).isFalse();
        assertThat(links.deleteIfExists("v0")).isFalse();
    }

    private void awaitOperstate(String state, String... names) {
        long deadline = System.nanoTime() + 3_000_000_000L;
        for (String name : names) {
            while (!ns.link(name).get("operstate").asText().equals(state)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(name + " is still " + ns.link(name).get("operstate").asText());
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    private static void assertMatchesIp(Link link, JsonNode ip, Map<String, Integer> indexByName) {
        String what = "link " + link.name();
        assertThat(link.index()).as(what).isEqualTo(ip.get("ifindex").asInt());
        assertThat(link.mtu()).as(what).isEqualTo(ip.get("mtu").asInt());
        assertThat(link.minMtu()).as(what).isEqualTo(ip.path("min_mtu").asInt());
        assertThat(link.maxMtu()).as(what).isEqualTo(ip.path("max_mtu").asInt());
        assertThat(link.txQueueLength()).as(what).isEqualTo(ip.get("txqlen").asInt());
        assertThat(link.mac().map(MacAddress::toString)).as(what).contains(ip.get("address").asText());
        assertThat(link.operState().name()).as(what).isEqualTo(ip.get("operstate").asText());
        assertThat(link.promiscuity()).as(what).isEqualTo(ip.get("promiscuity").asInt());
        assertThat(link.masterIndex()).as(what)
                .isEqualTo(ip.has("master") ? indexByName.get(ip.get("master").asText()) : 0);
        List<String> ipFlags = flags(ip);
        FLAG_BITS.forEach((flag, bit) ->
                assertThat((link.flags() & bit) != 0).as(what + " flag " + flag).isEqualTo(ipFlags.contains(flag)));
        assertThat(link.hasCarrier()).as(what).isEqualTo(ipFlags.contains("LOWER_UP"));
        assertThat(link.isUp()).as(what).isEqualTo(ipFlags.contains("UP"));
        assertThat(link.isPromiscuous()).as(what).isEqualTo(ipFlags.contains("PROMISC"));
        assertThat(link.kind().kernelName()).as(what).isEqualTo(ip.at("/linkinfo/info_kind").asText(null));
    }
}
