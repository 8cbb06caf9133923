package io.vmnetd.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.daemon.state.AttachmentKey;
import io.vmnetd.netlink.Address;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.nl.NetlinkException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/** CHECK (is the attachment still as ADD made it?), STATUS (can ADD succeed now?) and GC. */
final class CniInspect {
    /** Plugin-specific code (the spec reserves 100+): the attachment no longer matches what ADD made. */
    static final int ATTACHMENT_DIFFERS = 100;

    private final CniService cni;

    CniInspect(CniService cni) {
        this.cni = cni;
    }

    void check(CniRequest req, NetConf conf) throws CniError {
        AttachmentKey key = CniService.key(req);
        Attachment a = cni.journal.get(key).filter(x -> x.state() == Attachment.State.READY).orElseThrow(() ->
                new CniError(CniError.UNKNOWN_CONTAINER, "no attachment for container " + key.containerId()
                        + " interface " + key.ifName()));
        NetworkResolver.Resolved net = NetworkResolver.resolve(conf, cni.config(), cni::kernelMtu);
        List<String> differs = new ArrayList<>();
        ReentrantLock lock = cni.lockFor(key);
        lock.lock();
        try {
            checkPod(a, net.mtu(), differs);
            checkHost(a, net, differs);
        } finally {
            lock.unlock();
        }
        if (!differs.isEmpty()) {
            throw new CniError(ATTACHMENT_DIFFERS, "attachment " + key + " differs from what ADD made: "
                    + String.join("; ", differs));
        }
    }

    private void checkPod(Attachment a, int mtu, List<String> differs) throws CniError {
        try (RtNetlink pod = RtNetlink.openIn(Path.of(a.netns()))) {
            Optional<Link> link = pod.links().find(a.ifName());
            if (link.isEmpty()) {
                differs.add(a.ifName() + " is missing from " + a.netns());
                return;
            }
            String mac = link.get().mac().map(Object::toString).orElse("");
            if (!mac.equals(a.mac())) {
                differs.add(a.ifName() + " has MAC " + mac + ", not " + a.mac());
            }
            if (link.get().mtu() != mtu) {
                differs.add(a.ifName() + " has MTU " + link.get().mtu() + ", not " + mtu);
            }
            Set<String> have = new HashSet<>();
            for (Address addr : pod.addresses().list(a.ifName())) {
                have.add(addr.prefix().toString());
            }
            for (String want : PortWiring.addressesOf(CniService.ipamResult(a))) {
                if (!have.contains(want)) {
                    differs.add(a.ifName() + " lacks address " + want);
                }
            }
        } catch (NetlinkException e) {
            throw new CniError(CniError.UNKNOWN_CONTAINER, "cannot inspect " + a.netns() + ": " + e.getMessage());
        }
    }

    private void checkHost(Attachment a, NetworkResolver.Resolved net, List<String> differs) {
        Optional<Link> port = cni.host.links().find(a.hostIfName());
        Optional<Link> bridge = cni.host.links().find(net.bridge());
        if (port.isEmpty() || bridge.isEmpty()) {
            differs.add((port.isEmpty() ? a.hostIfName() : net.bridge()) + " is missing on the node");
            return;
        }
        if (port.get().masterIndex() != bridge.get().index()) {
            differs.add(a.hostIfName() + " is not on " + net.bridge());
            return;
        }
        PortVlans vlans = cni.host.bridgeVlans().list(a.hostIfName());
        if (!vlans.vids().equals(a.vlans().vids()) || !vlans.untagged().equals(a.vlans().untagged())
                || !vlans.pvid().equals(a.vlans().pvid())) {
            differs.add(a.hostIfName() + " carries VLANs " + describe(vlans) + ", not " + a.vlans());
        }
    }

    private static String describe(PortVlans v) {
        return v.vids() + v.pvid().stream().mapToObj(p -> " pvid " + p).findFirst().orElse("")
                + (v.untagged().isEmpty() ? "" : " untagged " + v.untagged());
    }

    void status(NetConf conf) throws CniError {
        NetworkResolver.Resolved net;
        try {
            net = NetworkResolver.resolve(conf, cni.config(), cni::kernelMtu);
        } catch (CniError e) {
            throw new CniError(CniError.NOT_AVAILABLE, "network not available: " + e.getMessage(), e.details());
        }
        Optional<Link> bridge = cni.host.links().find(net.bridge());
        if (bridge.isEmpty() || !bridge.get().isUp()) {
            throw new CniError(CniError.NOT_AVAILABLE, net.bridge() + " is " + (bridge.isEmpty() ? "missing" : "down"));
        }
        List<String> problems = cni.reconciler.problems().getOrDefault(net.clusterNetwork(), List.of());
        if (!problems.isEmpty()) {
            throw new CniError(CniError.NOT_AVAILABLE, "cluster network " + net.clusterNetwork() + " is degraded: "
                    + String.join("; ", problems));
        }
    }

    /** Removes every attachment of this network that the runtime no longer lists as valid. */
    void gc(CniRequest req, NetConf conf) throws CniError {
        JsonNode valid = conf.raw().get("cni.dev/valid-attachments");
        if (valid == null || !valid.isArray()) {
            throw NetConf.invalid("cni.dev/valid-attachments", "is required for GC: a list of "
                    + "{\"containerID\": ..., \"ifname\": ...}");
        }
        Set<AttachmentKey> keep = new HashSet<>();
        for (JsonNode v : valid) {
            keep.add(new AttachmentKey(v.path("containerID").asText(), v.path("ifname").asText()));
        }
        for (Attachment a : cni.journal.all()) {
            NetConf theirs = parse(a.netconf());
            if (theirs == null || !theirs.name().equals(conf.name()) || keep.contains(a.key())) {
                continue;
            }
            ReentrantLock lock = cni.lockFor(a.key());
            lock.lock();
            try {
                cni.release(a.key(), cni.journal.get(a.key()), theirs, a.netns(), req.path().orElse(""), "");
            } finally {
                lock.unlock();
            }
        }
    }

    private static NetConf parse(String text) {
        try {
            return NetConf.parse(text);
        } catch (CniError e) {
            return null;
        }
    }

    static String bridgeOf(Attachment a) {
        return ClusterNetwork.bridgeName(a.clusterNetwork());
    }
}
