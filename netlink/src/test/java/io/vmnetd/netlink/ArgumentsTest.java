package io.vmnetd.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad arguments fail before anything is sent, with an InvalidArgumentException that names the argument. */
class ArgumentsTest {

    private static void refused(String argument, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidArgumentException.class, e -> {
            assertThat(e.argument()).isEqualTo(argument);
            assertThat(e.getMessage()).startsWith(argument + ": ");
        });
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "sixteen-bytes-xx", "a/b", "a b", ".", "..", "a:b", "tab\there", "new\nline", "nul\0x",
            "äääääääá", // 8 characters but 16 UTF-8 bytes
            "là"}) // 'à' is c3 a0 in UTF-8, and the kernel's isspace() counts 0xa0
    void badLinkNamesAreRefusedNamingTheArgument(String name) {
        refused("name", () -> Arguments.linkName("name", name));
        refused("name", () -> LinkSpec.bridge(name, false, 0));
        refused("peer name", () -> LinkSpec.veth("ok0", name));
        refused("new name", () -> LinkChange.create().name(name));
    }

    @Test
    void nullNameIsRefused() {
        refused("name", () -> Arguments.linkName("name", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "fifteen-bytes-x", "eth0.100", "br-lan_2", "äääääää"}) // 7 x 2 = 14 bytes
    void goodLinkNamesPass(String name) {
        assertThat(Arguments.linkName("name", name)).isEqualTo(name);
        assertThat(LinkSpec.dummy(name).name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4095, -1, 65535})
    void vidsOutsideOneTo4094AreRefused(int vid) {
        refused("vid", () -> Arguments.vid("vid", vid));
        refused("vid", () -> VidRange.of(vid));
        refused("vid", () -> VidSet.of(vid));
        refused("vlan id", () -> LinkSpec.vlan("eth0.x", 2, vid, VlanProtocol.IEEE_802_1Q));
        refused("default_pvid", () -> LinkSpec.bridge("br0", true, vid == 0 ? 4095 : vid));
    }

    @Test
    void vidsOneAnd4094AreTheLimits() {
        assertThat(VidRange.of(1, 4094).size()).isEqualTo(4094);
        assertThat(LinkSpec.vlan("v1", 2, 1, VlanProtocol.IEEE_802_1Q).kind())
                .isEqualTo(new LinkKind.Vlan(1, VlanProtocol.IEEE_802_1Q));
        assertThat(LinkSpec.bridge("br0", true, 4094).kind()).isEqualTo(new LinkKind.Bridge(true, 4094));
        assertThat(LinkSpec.bridge("br0", true, 0).kind()).as("0: no default PVID").isEqualTo(new LinkKind.Bridge(true, 0));
    }

    @Test
    void emptyVidRangeIsRefused() {
        refused("vid range", () -> VidRange.of(20, 10));
    }

    @ParameterizedTest
    @ValueSource(ints = {67, 0, -1, 65536})
    void mtusOutside68To65535AreRefused(int mtu) {
        refused("mtu", () -> LinkSpec.dummy("d0").mtu(mtu));
        refused("mtu", () -> LinkChange.create().mtu(mtu));
        refused("mtu", () -> LinkSpec.veth("a0", "b0").mtu(mtu));
    }

    @Test
    void mtus68And65535AreTheLimits() {
        assertThat(LinkSpec.dummy("d0").mtu(68).mtu()).hasValue(68);
        assertThat(LinkChange.create().mtu(65535).mtu()).hasValue(65535);
    }

    @Test
    void aPvidOnARangeIsRefused() {
        refused("pvid", () -> new BridgeVlan(VidRange.of(10, 11), true, false));
        refused("pvid", () -> new BridgeVlan(VidRange.of(1, 4094), true, true));
        assertThatCode(() -> new BridgeVlan(VidRange.of(10), true, false)).doesNotThrowAnyException();
        assertThatCode(() -> new BridgeVlan(VidRange.of(10, 11), false, true)).doesNotThrowAnyException();
        refused("vids", () -> new BridgeVlan(null, false, false));
    }

    @Test
    void indexesMustNameALink() {
        refused("parent", () -> LinkSpec.vlan("v0", 0, 5, VlanProtocol.IEEE_802_1Q));
        refused("parent", () -> LinkSpec.macvlan("m0", -3, MacvlanMode.BRIDGE));
        refused("master", () -> LinkSpec.dummy("d0").master(0));
        refused("master", () -> LinkChange.create().master(0));
    }

    @Test
    void peerSettingsOnlyForVeth() {
        refused("peer mac", () -> LinkSpec.dummy("d0").peerMac(new MacAddress(1)));
        refused("peer mac", () -> LinkSpec.veth("a0", "b0").peerMac(null));
    }

    @Test
    void otherParsedValuesNameTheirArgument() {
        refused("txqueuelen", () -> LinkSpec.dummy("d0").txQueueLength(-1));
        refused("miimon", () -> LinkSpec.bond("b0", BondMode.ACTIVE_BACKUP, -1));
        refused("bond mode", () -> BondMode.ofKernelName("fastest"));
        refused("vids", () -> VidSet.parse("10-x"));
        refused("vid", () -> VidSet.parse("1,0"));
        refused("mac", () -> MacAddress.parse("02:00:00:00:00"));
        refused("mac", () -> MacAddress.parse("02:00:00:00:00:0g"));
        refused("mac", () -> MacAddress.of(new byte[5]));
        refused("mac", () -> new MacAddress(1L << 48));
        refused("prefix length", () -> IpPrefix.parse("10.0.0.1/33"));
        refused("prefix length", () -> IpPrefix.parse("fd00::1/129"));
        refused("prefix", () -> IpPrefix.parse("10.0.0.1/x"));
        refused("address", () -> IpPrefix.parse("gateway.example/24"));
        refused("address", () -> IpPrefix.parse("1:2/64"));
    }
}
