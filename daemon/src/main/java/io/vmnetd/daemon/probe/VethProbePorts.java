package io.vmnetd.daemon.probe;

import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.daemon.model.VlanDiff;
import io.vmnetd.netlink.Ipv6AddrGenMode;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkChange;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Probe ports as veth pairs made with rtnetlink on the node's handle: the probe's end is created straight inside
 * its namespace and set up there without IPv6, the host end joins the bridge at the bridge's MTU (a smaller one would lower an auto-sized
 * bridge's) with exactly the target's VLAN as PVID, untagged. Should the daemon die, the namespace dies with it
 * and takes the pair along; the host end is still deleted explicitly, so it is gone when a check returns.
 */
public final class VethProbePorts implements ProbePorts {
    private static final Logger LOG = Logger.getLogger(VethProbePorts.class.getName());

    private static final Duration FORWARDING_WAIT = Duration.ofSeconds(2);

    private final RtNetlink host;
    private final ProbeIdentity identity;

    public VethProbePorts(RtNetlink host, ProbeIdentity identity) {
        this.host = host;
        this.identity = identity;
    }

    @Override
    public ProbePort attach(ProbeTarget target, NetNs probeNs) {
        Link bridge = host.links().find(target.bridge())
                .filter(l -> l.kind() instanceof LinkKind.Bridge)
                .orElseThrow(() -> new ProbeException("bridge " + target.bridge() + " does not exist"));
        LinkKind.Bridge kind = (LinkKind.Bridge) bridge.kind();
        if (!kind.vlanFiltering() && target.vid() != PortVlanSpec.DEFAULT_VID) {
            throw new ProbeException("bridge " + target.bridge() + " does not filter VLANs, so " + target.vlanName()
                    + " cannot be joined");
        }
        String hostName = ProbeIdentity.hostName(target.vmNetwork());
        LinkSpec spec = LinkSpec.veth(ProbeIdentity.PROBE_IFNAME, hostName).namespace(probeNs)
                .mac(identity.probeMac(target.vmNetwork())).peerMac(identity.hostMac(target.vmNetwork()))
                .mtu(bridge.mtu());
        try {
            host.links().create(spec);
        } catch (NetlinkException e) {
            if (!e.is(Errno.EEXIST)) {
                throw e;
            }
            // A port of an earlier check that could not be deleted: it is ours, so replace it.
            host.links().deleteIfExists(hostName);
            host.links().create(spec);
        }
        VethPort port = new VethPort(hostName);
        try {
            bringUpWithoutIpv6(probeNs);
            join(port.hostName(), bridge, kind, target.vid());
            return port;
        } catch (RuntimeException e) {
            port.close();
            throw e;
        }
    }

    /**
     * Sets the probe's end up without a link-local address, so that it never sends IPv6 of its own (no duplicate
     * address detection, router solicitation or MLD report) on the VLAN. Through netlink, as /proc/sys is read-only
     * under the unit. The mode must be set before the link goes up; a kernel without IPv6 refuses it and is silent
     * anyway.
     */
    private static void bringUpWithoutIpv6(NetNs probeNs) {
        try (RtNetlink inside = RtNetlink.openIn(probeNs)) {
            try {
                inside.links().change(ProbeIdentity.PROBE_IFNAME,
                        LinkChange.create().ipv6AddrGenMode(Ipv6AddrGenMode.NONE));
            } catch (NetlinkException e) {
                if (!e.is(Errno.EAFNOSUPPORT)) {
                    throw e;
                }
            }
            inside.links().setUp(ProbeIdentity.PROBE_IFNAME);
        }
    }

    private void join(String hostName, Link bridge, LinkKind.Bridge kind, int vid) {
        Link link = host.links().get(hostName);
        host.links().change(link, LinkChange.create().master(bridge.index()));
        if (kind.vlanFiltering()) {
            VlanDiff diff = PortVlanSpec.access(vid)
                    .diff(PortVlans.joining(link.index(), hostName, bridge.index(), kind.defaultPvid()));
            host.bridgeVlans().add(link.index(), false, diff.add());
            host.bridgeVlans().delete(link.index(), false, diff.delete());
        }
        host.links().change(link, LinkChange.create().up());
        awaitForwarding(hostName, bridge.name());
    }

    /** Without STP a port forwards as soon as it is up; with it, only after the forward delay, too late for a check. */
    private void awaitForwarding(String hostName, String bridge) {
        long deadline = System.nanoTime() + FORWARDING_WAIT.toNanos();
        while (!host.links().get(hostName).bridgePort().map(Link.BridgePort::isForwarding).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new ProbeException("the probe's port on " + bridge + " did not forward within "
                        + FORWARDING_WAIT.toMillis() + " ms (STP on the bridge?)");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProbeException("interrupted");
            }
        }
    }

    @Override
    public int removeLeftovers() {
        int removed = 0;
        for (Link link : host.links().list()) {
            if (link.name().startsWith(ProbeIdentity.HOST_PREFIX) && link.kind() instanceof LinkKind.Veth) {
                if (host.links().deleteIfExists(link.name())) {
                    LOG.info("removed leftover probe port " + link.name());
                    removed++;
                }
            }
        }
        return removed;
    }

    private final class VethPort implements ProbePort {
        private final String hostName;
        private boolean closed;

        VethPort(String hostName) {
            this.hostName = hostName;
        }

        @Override
        public String hostName() {
            return hostName;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                try {
                    host.links().deleteIfExists(hostName);
                } catch (NetlinkException e) {
                    // The namespace's end goes with the namespace, and the host end with it.
                    LOG.warning("cannot delete probe port " + hostName + ": " + e.getMessage()
                            + "; it goes when the probe's namespace does");
                }
            }
        }
    }
}
