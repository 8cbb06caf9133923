package io.vmnetd.daemon.probe;

import io.vmnetd.netlink.NetNs;

/**
 * How a probe joins a VM network's VLAN: a port on the cluster network's bridge whose other end is in the probe's
 * namespace. Behind an interface so that its making can move into the reconciler's planner and steps, as one more
 * kind of VM port, without the probe changing.
 */
public interface ProbePorts {

    /**
     * Makes the probe's port for {@code target}: its end {@link ProbeIdentity#PROBE_IFNAME} inside {@code probeNs},
     * up, with the probe's MAC and without IPv6 (addrgenmode none: it sends no IPv6 of its own); the host end on the target's bridge as an access port of its VLAN, up.
     *
     * @throws ProbeException when the port cannot be made (no bridge, a VLAN the bridge cannot filter...)
     */
    ProbePort attach(ProbeTarget target, NetNs probeNs);

    /** Deletes probe ports that a previous run of the daemon left (found by {@link ProbeIdentity#HOST_PREFIX}). */
    int removeLeftovers();

    /** A probe port; closing deletes it (both ends). */
    interface ProbePort extends AutoCloseable {
        String hostName();

        @Override
        void close();
    }
}
