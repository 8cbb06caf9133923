package io.vmnetd.netlink.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.LinkEvent;
import io.vmnetd.netlink.LinkMonitor;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.TestNetns;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The link monitor reports bridge-port VLAN changes made by another process ({@code bridge}, {@code ip}) as
 * PORT_UPDATED / PORT_REMOVED events carrying the port's VLANs, within 2 s.
 */
@LabTest
class BridgeVlanMonitorLabTest {
    private static final long DEADLINE_MILLIS = 2_000;

    private final BlockingQueue<LinkEvent> events = new LinkedBlockingQueue<>();
    private final List<LinkEvent> seen = new ArrayList<>();
    private TestNetns ns;
    private RtNetlink rtnl;
    private LinkMonitor monitor;

    /** br0 (vlan_filtering 1) with port d0 carrying tagged VIDs 10-20, then the monitor started. */
    @BeforeEach
    void setUp() {
        ns = TestNetns.create();
        rtnl = ns.rtnl();
        rtnl.links().create(LinkSpec.bridge("br0", true, 1).up());
        rtnl.links().create(LinkSpec.dummy("d0").master(rtnl.links().get("br0").index()).up());
        rtnl.bridgeVlans().add("d0", BridgeVlan.tagged(VidRange.of(10, 20)));
        monitor = LinkMonitor.start(ns.open(), events::add);
    }

    @AfterEach
    void tearDown() {
        try {
            monitor.close();
        } finally {
            ns.close();
        }
    }

    private void bridgeTool(String... args) {
        List<String> c = new ArrayList<>(List.of("bridge", "-n", ns.name()));
        c.addAll(List.of(args));
        Shell.check(c);
    }

    /** The first event of {@code type} for {@code port} that {@code test} accepts, within the deadline. */
    private PortVlans awaitPort(LinkEvent.Type type, String port, Predicate<PortVlans> test) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        while (true) {
            long left = deadline - System.nanoTime();
            LinkEvent e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
            if (e == null) {
                throw new AssertionError("no " + type + " for " + port + " within " + DEADLINE_MILLIS + " ms; saw " + seen);
            }
            seen.add(e);
            if (e.type() == type && e.port().isPresent() && e.port().get().name().equals(port) && test.test(e.port().get())) {
                return e.port().get();
            }
        }
    }

    @Test
    void vidDeletedByAnotherProcessYieldsPortUpdatedWithoutIt() throws InterruptedException {
        bridgeTool("vlan", "del", "dev", "d0", "vid", "15");

        PortVlans port = awaitPort(LinkEvent.Type.PORT_UPDATED, "d0", p -> !p.vids().contains(15));
        assertThat(port.vids().toString()).isEqualTo("1,10-14,16-20");
        assertThat(port.pvid()).hasValue(1);
        assertThat(port.index()).isEqualTo(rtnl.links().get("d0").index());
        assertThat(port.masterIndex()).isEqualTo(rtnl.links().get("br0").index());
    }

    @Test
    void accessVlanAddedByAnotherProcessYieldsPortUpdatedWithTheNewPvid() throws InterruptedException {
        bridgeTool("vlan", "add", "dev", "d0", "vid", "30", "pvid", "untagged");

        PortVlans port = awaitPort(LinkEvent.Type.PORT_UPDATED, "d0", p -> p.vids().contains(30));
        assertThat(port.pvid()).hasValue(30);
        assertThat(port.untagged().toString()).isEqualTo("1,30");
    }

    @Test
    void selfVlanAddedToTheBridgeDeviceYieldsPortUpdatedForTheBridge() throws InterruptedException {
        bridgeTool("vlan", "add", "dev", "br0", "vid", "77", "self");

        PortVlans bridge = awaitPort(LinkEvent.Type.PORT_UPDATED, "br0", p -> p.vids().contains(77));
        assertThat(bridge.vids().toString()).isEqualTo("1,77");
        assertThat(bridge.index()).isEqualTo(rtnl.links().get("br0").index());
    }

    @Test
    void portLeavingTheBridgeYieldsPortRemoved() throws InterruptedException {
        ns.ip("link", "set", "d0", "nomaster");

        PortVlans port = awaitPort(LinkEvent.Type.PORT_REMOVED, "d0", p -> true);
        assertThat(port.index()).isEqualTo(rtnl.links().get("d0").index());
    }
}
