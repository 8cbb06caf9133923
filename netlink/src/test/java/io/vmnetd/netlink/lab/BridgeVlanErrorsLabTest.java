package io.vmnetd.netlink.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.BridgeVlans;
import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.VidSet;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.RequestCounter;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.TestNetns;
import io.vmnetd.netlink.testing.VlanMembership;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Bad VLAN requests: what the library can judge alone is refused before anything is sent (and the bridge is left
 * as it was); what only the kernel can judge comes back as a {@link NetlinkException} naming the port, with the
 * errno and any extended-ack text the kernel gave.
 */
@LabTest
class BridgeVlanErrorsLabTest {
    private final RequestCounter counter = new RequestCounter();

    /** br0 with port d0 (access VLAN 10, tagged 20-30); returns d0's index. */
    private int bridgeWithConfiguredPort(RtNetlink rtnl) {
        rtnl.links().create(LinkSpec.bridge("br0", true, 1));
        rtnl.links().create(LinkSpec.dummy("d0").master(rtnl.links().get("br0").index()));
        int d0 = rtnl.links().get("d0").index();
        rtnl.bridgeVlans().add(d0, false, List.of(BridgeVlan.access(10), BridgeVlan.tagged(VidRange.of(20, 30))));
        counter.reset();
        return d0;
    }

    private static void assertInvalid(ThrowingCallable call, String argument) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidArgumentException.class,
                e -> assertThat(e.argument()).isEqualTo(argument));
    }

    @Test
    void pvidOnARangeOrTwoPvidsAreRefusedBeforeSendingAndTheBridgeIsUnchanged() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl(counter);
            int d0 = bridgeWithConfiguredPort(rtnl);
            Map<String, VlanMembership> before = ns.vlanMemberships();

            assertInvalid(() -> new BridgeVlan(VidRange.of(500, 600), true, false), "pvid");
            assertInvalid(() -> new BridgeVlan(VidRange.of(500, 501), true, true), "pvid");
            assertInvalid(() -> rtnl.bridgeVlans().add(d0, false, List.of(BridgeVlan.access(5), BridgeVlan.access(6))), "pvid");
            assertInvalid(() -> rtnl.bridgeVlans().add(d0, false,
                    List.of(BridgeVlan.tagged(VidRange.of(40, 50)), BridgeVlan.access(5), BridgeVlan.access(5))), "pvid");

            assertThat(counter.requests()).as("requests sent").isZero();
            assertThat(ns.vlanMemberships()).isEqualTo(before);
            assertThat(before.get("d0")).isEqualTo(VlanMembership.of("1,10,20-30", "1,10", 10));
        }
    }

    @Test
    void vid0And4095AreRefusedBeforeSending() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl(counter);
            bridgeWithConfiguredPort(rtnl);
            Map<String, VlanMembership> before = ns.vlanMemberships();

            assertInvalid(() -> VidRange.of(0), "vid");
            assertInvalid(() -> VidRange.of(4095), "vid");
            assertInvalid(() -> VidRange.of(4000, 4095), "vid");
            assertInvalid(() -> VidRange.of(0, 10), "vid");
            assertInvalid(() -> BridgeVlan.tagged(0), "vid");
            assertInvalid(() -> BridgeVlan.access(4095), "vid");
            assertInvalid(() -> VidSet.of(1, 4095), "vid");
            assertInvalid(() -> rtnl.bridgeVlans().delete("d0", VidRange.of(0)), "vid");

            assertThat(counter.requests()).as("requests sent").isZero();
            assertThat(ns.vlanMemberships()).isEqualTo(before);
        }
    }

    @Test
    void vlansOnADummyThatIsNoBridgePortAreRefusedByTheKernel() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl(counter);
            rtnl.links().create(LinkSpec.dummy("d2"));
            int d2 = rtnl.links().get("d2").index();
            // What the kernel says to iproute2 for the same request: its ext-ack text, if it gives one.
            Shell.Result bridgeTool = Shell.run("bridge", "-n", ns.name(), "vlan", "add", "dev", "d2", "vid", "5");
            assertThat(bridgeTool.exitCode()).isNotZero();
            String stderr = bridgeTool.stderr().strip();
            String kernelText = stderr.startsWith("Error: ") ? stderr.substring("Error: ".length()).replaceAll("\\.$", "") : null;
            counter.reset();

            for (boolean self : new boolean[] {false, true}) {
                assertThatThrownBy(() -> rtnl.bridgeVlans().add(d2, self, List.of(BridgeVlan.tagged(5))))
                        .isInstanceOfSatisfying(NetlinkException.class, e -> {
                            assertThat(e.errno()).isIn(Errno.EINVAL, Errno.EOPNOTSUPP);
                            assertThat(e.subject()).contains("d2");
                            assertThat(e.getMessage()).contains("d2", e.errno().name());
                            if (kernelText != null) {
                                assertThat(e.kernelMessage()).contains(kernelText);
                            } else {
                                assertThat(e.kernelMessage().filter(t -> !t.isBlank())).isEmpty();
                            }
                        });
            }
            assertThatThrownBy(() -> rtnl.bridgeVlans().delete(d2, false, List.of(VidRange.of(5))))
                    .isInstanceOfSatisfying(NetlinkException.class,
                            e -> assertThat(e.errno()).isIn(Errno.EINVAL, Errno.EOPNOTSUPP));
            // One request per call, no retries (a failure also looks the port's name up: RTM_GETLINK, not counted).
            assertThat(counter.requestTypes()).filteredOn(t -> t != Rtnl.RTM_GETLINK)
                    .containsExactly(Rtnl.RTM_SETLINK, Rtnl.RTM_SETLINK, Rtnl.RTM_DELLINK);
            assertThat(ns.vlanMembership("d2")).isEqualTo(VlanMembership.NONE);
        }
    }

    @Test
    void vlansOnABridgeWithoutSelfAreRefusedAsTheBridgeIsNoPort() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl();
            rtnl.links().create(LinkSpec.bridge("br0", true, 1));
            int br0 = rtnl.links().get("br0").index();

            assertThatThrownBy(() -> rtnl.bridgeVlans().add(br0, false, List.of(BridgeVlan.tagged(5))))
                    .isInstanceOfSatisfying(NetlinkException.class, e -> {
                        assertThat(e.errno()).isIn(Errno.EINVAL, Errno.EOPNOTSUPP);
                        assertThat(e.subject()).contains("br0");
                    });
            assertThat(ns.vlanMembership("br0")).isEqualTo(VlanMembership.of("1", "1", 1));
        }
    }

    @Test
    void vlansOnAnIndexThatIsNoLinkGiveEnodev() {
        try (TestNetns ns = TestNetns.create()) {
            RtNetlink rtnl = ns.rtnl();

            assertThatThrownBy(() -> rtnl.bridgeVlans().add(99_999, false, List.of(BridgeVlan.tagged(5))))
                    .isInstanceOfSatisfying(NetlinkException.class, e -> {
                        assertThat(e.errno()).isEqualTo(Errno.ENODEV);
                        assertThat(e.subject()).contains("#99999");
                    });
            assertThatThrownBy(() -> rtnl.bridgeVlans().add("nosuch0", BridgeVlan.tagged(5)))
                    .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
        }
    }
}
