package io.vmnetd.netlink.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.LinkChange;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.Links;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.MacvlanMode;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.testing.TestNetns;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Failures are typed: the kernel's refusals arrive as {@link NetlinkException} with errno, operation, subject and
 * extended-ack text; bad arguments are {@link InvalidArgumentException} and leave the namespace untouched.
 */
class ErrorsHostTest {
    private TestNetns ns;
    private Links links;

    @BeforeEach
    void setUp() {
        ns = TestNetns.create();
        links = ns.rtnl().links();
        links.create(LinkSpec.bridge("br0", false, 0));
        links.create(LinkSpec.veth("v0", "v1"));
    }

    @AfterEach
    void tearDown() {
        ns.close();
    }

    @Test
    void creatingAnExistingNameIsEEXISTAboutThatLink() {
        assertThatThrownBy(() -> links.create(LinkSpec.bridge("br0", false, 0)))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EEXIST);
                    assertThat(e.operation()).contains("create");
                    assertThat(e.subject()).contains("br0");
                    assertThat(e.getMessage()).contains("EEXIST");
                });
        assertThatThrownBy(() -> links.create(LinkSpec.veth("v9", "v0")))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST));
        assertThat(ns.hasLink("v9")).isFalse();
    }

    @Test
    void aMissingLinkIsENODEVOnGetAndDeleteAndEmptyOnFind() {
        assertThatThrownBy(() -> links.get("nope0"))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENODEV);
                    assertThat(e.subject()).contains("nope0");
                });
        assertThatThrownBy(() -> links.get(99_999))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
        assertThatThrownBy(() -> links.delete("nope0"))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
        assertThatThrownBy(() -> links.setMtu("nope0", 1400))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
        assertThat(links.find("nope0")).isEmpty();
        assertThat(links.find(99_999)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sixteen-bytes-xx", "a/b", "a b", "tab\tx", "a:b", ".", "..", "ééééééééé"})
    void anInvalidNameIsRejectedWherePassedAndChangesNothing(String bad) {
        JsonNode before = ns.links();

        assertRejected(() -> links.create(LinkSpec.bridge(bad, false, 0)), "name");
        assertRejected(() -> links.create(LinkSpec.veth("v5", bad)), "peer name");
        assertRejected(() -> links.rename("v0", bad), "new name");
        assertRejected(() -> links.setMaster("v0", bad), "master");
        assertRejected(() -> links.get(bad), "name");

        assertThat(ns.links()).isEqualTo(before);
    }

    @Test
    void aVethWhosePeerTakesItsOwnNameIsEEXISTAndLeavesNothingBehind() {
        JsonNode before = ns.links();

        assertThatThrownBy(() -> links.create(LinkSpec.veth("twin0", "twin0")))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EEXIST);
                    assertThat(e.subject()).contains("twin0");
                });

        assertThat(ns.links()).isEqualTo(before);
    }

    @Test
    void aMulticastMacIsRefusedByTheKernelWithEADDRNOTAVAILAndChangesNothing() {
        MacAddress multicast = MacAddress.parse("01:00:5e:00:00:01");
        JsonNode before = ns.links();

        assertThatThrownBy(() -> links.setMac("v0", multicast))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EADDRNOTAVAIL);
                    assertThat(e.subject()).contains("v0");
                });
        assertThatThrownBy(() -> links.create(LinkSpec.veth("v5", "v6").peerMac(multicast)))
                .isInstanceOfSatisfying(NetlinkException.class,
                        e -> assertThat(e.errno()).isEqualTo(Errno.EADDRNOTAVAIL));

        assertThat(ns.links()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fifteen-bytes-x", "éééééééx"})
    void fifteenBytesIsTheLongestNameAndIsAccepted(String name) {
        links.create(LinkSpec.bridge(name, false, 0));

        assertThat(ns.hasLink(name)).isTrue();
        assertThat(links.get(name).name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"brà", "nb\u00a0sp"})
    void aNameTheKernelCountsAsHoldingASpaceIsRejectedBeforeSending(String bad) {
        JsonNode before = ns.links();
        assertThat(ns.tryIp("link", "add", bad, "type", "bridge").exitCode()).isNotZero();

        assertRejected(() -> links.create(LinkSpec.bridge(bad, false, 0)), "name");

        assertThat(ns.links()).isEqualTo(before);
    }

    @Test
    void theKernelsExtendedAckReachesTheException() {
        String ipSays = ns.ipExtAck("link", "set", "br0", "master", "br0");

        assertThatThrownBy(() -> links.setMaster("br0", "br0"))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno().name()).isEqualTo("ELOOP");
                    assertThat(e.kernelMessage()).contains(ipSays);
                    assertThat(e.subject()).contains("br0");
                    assertThat(e.getMessage()).contains(ipSays);
                });
        assertThat(ns.link("br0").has("master")).isFalse();
    }

    @Test
    void aRefusalWithoutExtendedAckHasNoKernelMessage() {
        links.create(LinkSpec.macvlan("mv0", links.get("v0").index(), MacvlanMode.BRIDGE));
        // A macvlan's MTU may not exceed its parent's; the kernel says only EINVAL.
        assertThat(ns.tryIp("link", "set", "mv0", "mtu", "1600").stderr()).doesNotContain("Error:");

        assertThatThrownBy(() -> links.setMtu("mv0", 1600))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                    assertThat(e.kernelMessage()).isEmpty();
                    assertThat(e.subject()).contains("mv0");
                });
        assertThat(ns.link("mv0").get("mtu").asInt()).isEqualTo(1500);
    }

    @Test
    void enslavingToALinkThatIsNoMasterIsRefusedAndChangesNothing() {
        JsonNode before = ns.links();

        assertThatThrownBy(() -> links.setMaster("v0", "v1")).isInstanceOf(NetlinkException.class);

        assertThat(ns.links()).isEqualTo(before);
    }

    @Test
    void anEmptyChangeSendsNothingAndAnInvalidOneFailsAsItIsBuilt() {
        JsonNode before = ns.links();

        links.change("v0", LinkChange.create());
        assertRejected(() -> LinkChange.create().txQueueLength(-1), "txqueuelen");
        assertRejected(() -> LinkChange.create().master(0), "master");
        assertRejected(() -> LinkSpec.macvlan("mv0", 0, MacvlanMode.BRIDGE), "parent");
        assertRejected(() -> LinkSpec.bridge("br1", false, 0).peerMac(null), "peer mac");

        assertThat(ns.links()).isEqualTo(before);
    }

    private static void assertRejected(ThrowingCallable call, String argument) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidArgumentException.class,
                e -> assertThat(e.argument()).isEqualTo(argument));
    }
}
