package io.vmnetd.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.daemon.state.AttachmentJournal;
import io.vmnetd.daemon.state.AttachmentKey;
import io.vmnetd.netlink.MacAddress;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * ADD, top to bottom: resolve the network, describe the VM port, journal the intent, make the port through the
 * network's planner and steps, run IPAM and give the pod end its addresses, journal the port as live. Anything that
 * fails on the way is undone as DEL would.
 */
final class CniAdd {
    private final Networks networks;
    private final AttachmentJournal journal;
    private final Ipam ipam;
    private final Teardown teardown;
    private final KeyLocks locks;
    private final PodNamespaces namespaces;

    CniAdd(Networks networks, AttachmentJournal journal, Ipam ipam, Teardown teardown, KeyLocks locks,
           PodNamespaces namespaces) {
        this.namespaces = namespaces;
        this.networks = networks;
        this.journal = journal;
        this.ipam = ipam;
        this.teardown = teardown;
        this.locks = locks;
    }

    ObjectNode add(CniRequest req, NetConf conf) throws CniError {
        AttachmentKey key = req.key();
        req.require(req.path(), "CNI_PATH"); // required for ADD by the CNI spec, as the reference plugins' skel does
        NetworkResolver.Resolved net = NetworkResolver.resolve(conf, networks.config(), networks::link);
        if (conf.ipamType().isPresent()) {
            ipam.locate(conf, IpamCall.of(req, key)); // a plugin that cannot run is refused before anything is made
        }
        try (KeyLocks.Held held = locks.lock(key)) {
            PodNamespaces.Checked netns = namespaces.forAdd(req, key);
            Optional<Attachment> existing = journal.get(key);
            if (existing.isPresent() && isRepeat(existing.get(), netns)) {
                return again(existing.get(), conf);
            }
            if (existing.isPresent()) {
                teardown.release(existing.get(), IpamCall.of(req, key));
            }
            Attachment described = describe(key, netns, net, conf);
            try {
                return conf.ipamType().isPresent() ? buildWithIpam(described, net, conf, req)
                        : build(described, net, conf);
            } catch (CniError | RuntimeException e) {
                teardown.releaseQuietly(journal.get(key).orElse(described), IpamCall.of(req, key));
                throw e;
            }
        }
    }

    /** What the port must be: on the network's bridge with its VLANs and flags, the pod end named and addressed later. */
    private static Attachment describe(AttachmentKey key, PodNamespaces.Checked netns, NetworkResolver.Resolved net,
                                       NetConf conf) {
        MacAddress mac = conf.mac().orElseGet(MacAddress::randomLocal);
        PodEnd pod = new PodEnd(netns.path(), netns.identity(), key.ifName(), mac, List.of(), List.of());
        VmPort port = new VmPort(HostNames.of(key), pod, net.vlans(), conf.portIsolation(), conf.promiscMode(),
                Attachment.owner(key));
        return new Attachment(key, net.vmNetwork(), net.clusterNetwork(), port, conf.cniVersion(),
                conf.raw().toString(), Optional.empty(), Attachment.State.ADDING, Instant.now());
    }

    /**
     * Without IPAM the description is whole before anything is made: it is journaled once, as live, and then made.
     * A crash in between leaves an attachment whose port the reconciler makes, and that the runtime's repeated ADD
     * answers (or its DEL removes).
     */
    private ObjectNode build(Attachment described, NetworkResolver.Resolved net, NetConf conf) throws CniError {
        Attachment ready = described.withState(Attachment.State.READY);
        networks.changePorts(net.clusterNetwork(), net.vlans().vids(), () -> journalOrFail(ready));
        Networks.AppliedPort applied = apply(ready, true);
        return CniResults.add(conf.cniVersion(), ready, applied, Optional.empty());
    }

    /**
     * With IPAM the intent is journaled first (a lease taken before a crash is given back at the next start), the
     * port made (a DHCP plugin needs the pod's interface), the lease taken and the pod end addressed, and the
     * attachment journaled as live.
     */
    private ObjectNode buildWithIpam(Attachment described, NetworkResolver.Resolved net, NetConf conf, CniRequest req)
            throws CniError {
        journalOrFail(described);
        Networks.AppliedPort applied = apply(described, true);
        JsonNode result = ipam.add(conf, IpamCall.of(req, described.key()));
        Attachment addressed = described.withIpam(result.toString(),
                described.port().withPod(IpamResults.addressing(described.port().pod(), result)));
        networks.addressPort(net.clusterNetwork(), addressed.port());
        Attachment ready = addressed.withState(Attachment.State.READY);
        networks.changePorts(net.clusterNetwork(), net.vlans().vids(), () -> journalOrFail(ready));
        return CniResults.add(conf.cniVersion(), ready, applied, Optional.of(result));
    }

    private Networks.AppliedPort apply(Attachment a, boolean isNew) throws CniError {
        try {
            return networks.applyPort(a.clusterNetwork(), a.port(), isNew);
        } catch (Networks.NotReady e) {
            throw new CniError(CniError.TRY_AGAIN_LATER, "cluster network " + a.clusterNetwork() + " cannot take "
                    + a.key() + " yet: " + e.getMessage(), "vmnetd is reconciling it; try again");
        } catch (RuntimeException e) {
            throw new CniError(CniError.IO_FAILURE, "making VM port " + a.hostIfName() + " of " + a.key() + " failed: "
                    + e.getMessage());
        }
    }

    /** An ADD repeated for a live attachment in the same namespace answers as before, its port made as described. */
    private static boolean isRepeat(Attachment a, PodNamespaces.Checked netns) {
        return a.state() == Attachment.State.READY && a.port().pod().netnsId().equals(netns.identity());
    }

    private ObjectNode again(Attachment a, NetConf conf) throws CniError {
        Networks.AppliedPort applied = apply(a, false);
        return CniResults.add(conf.cniVersion(), a, applied, IpamResults.parse(a.ipamResult()));
    }

    private void journalOrFail(Attachment a) {
        try {
            journal.put(a);
        } catch (UncheckedIOException e) {
            throw new JournalFailure(e);
        }
    }

    /** The state directory refused a write (full, read-only): a clear error, nothing made stays. */
    static final class JournalFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JournalFailure(UncheckedIOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
