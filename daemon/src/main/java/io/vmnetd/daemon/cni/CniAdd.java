package io.vmnetd.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.daemon.state.AttachmentKey;
import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * ADD, top to bottom: resolve the network, journal the intent, make the veth pair with its pod end inside the
 * pod, run IPAM, put the host end on the bridge with its VLANs, make sure the uplink carries them, journal the
 * result. Anything that fails on the way is undone.
 */
final class CniAdd {
    private final CniService cni;

    CniAdd(CniService cni) {
        this.cni = cni;
    }

    ObjectNode add(CniRequest req, NetConf conf) throws CniError {
        AttachmentKey key = CniService.key(req);
        String netnsPath = req.require(req.netns(), "CNI_NETNS");
        NetworkResolver.Resolved net = NetworkResolver.resolve(conf, cni.config(), cni::kernelMtu);
        ReentrantLock keyLock = cni.lockFor(key);
        keyLock.lock();
        try (NetNs ns = openNetns(netnsPath)) {
            Optional<Attachment> existing = cni.journal.get(key);
            if (existing.isPresent()) {
                Optional<ObjectNode> again = repeat(existing.get(), conf, netnsPath);
                if (again.isPresent()) {
                    return again.get();
                }
                cni.release(key, existing, conf, netnsPath, req.path().orElse(""), req.args().orElse(""));
            }
            Attachment att = new Attachment(key.containerId(), key.ifName(), netnsPath, net.vmNetwork(),
                    net.clusterNetwork(), PortWiring.hostVethName(key.containerId(), key.ifName()), "", net.vlans(),
                    conf.cniVersion(), conf.raw().toString(), Optional.empty(), Attachment.State.ADDING, Instant.now());
            cni.journal.put(att);
            try {
                return build(att, net, conf, ns, req);
            } catch (CniError | RuntimeException e) {
                undo(key, att, conf, req);
                throw e;
            }
        } finally {
            keyLock.unlock();
        }
    }

    private ObjectNode build(Attachment att, NetworkResolver.Resolved net, NetConf conf, NetNs ns, CniRequest req)
            throws CniError {
        RtNetlink host = cni.host;
        MacAddress podMac;
        ReentrantLock netLock = cni.reconciler.lockFor(net.clusterNetwork());
        netLock.lock();
        try {
            Link bridge = host.links().find(net.bridge()).orElseThrow(() -> new CniError(CniError.TRY_AGAIN_LATER,
                    net.bridge() + " does not exist (yet)", "vmnetd reconciles cluster network " + net.clusterNetwork()));
            podMac = createPair(att, ns, net.mtu(), conf);
            PortWiring.attach(host, att.hostIfName(), bridge, net.vlans(), conf.portIsolation());
            if (conf.promiscMode() && !bridge.isPromiscuous()) {
                host.links().setPromiscuous(bridge.name(), true);
            }
        } catch (NetlinkException e) {
            throw CniService.kernelError("attaching " + att.hostIfName() + " to " + net.bridge(), e);
        } finally {
            netLock.unlock();
        }
        att = att.withMac(podMac.toString());
        JsonNode ipam = null;
        if (conf.ipamType().isPresent()) {
            IpamPlugin plugin = IpamPlugin.locate(conf.ipamType().get(), req.require(req.path(), "CNI_PATH"),
                    cni.config().ipamDirs());
            ipam = plugin.call("ADD", CniService.env(att.key(), att.netns(), req.args().orElse("")), conf.raw(),
                    plugin.negotiate(conf.cniVersion()));
            att = att.withIpamResult(Optional.of(ipam.toString()));
            cni.journal.put(att);
            try (RtNetlink pod = RtNetlink.openIn(ns)) {
                PortWiring.applyIpam(pod, att.ifName(), ipam);
            } catch (NetlinkException e) {
                throw CniService.kernelError("setting up " + att.ifName() + " in " + att.netns(), e);
            }
        }
        Attachment ready = att.withState(Attachment.State.READY);
        cni.changeJournal(net.clusterNetwork(), net.vlans().vids(), () -> cni.journal.put(ready));
        Optional<Link> hostEnd = PortWiring.awaitForwarding(host, att.hostIfName());
        // Read again: a bridge without an address of its own takes the lowest of its ports', so attaching this
        // port may have changed it.
        Link bridge = host.links().find(net.bridge()).orElseThrow(() -> new CniError(CniError.TRY_AGAIN_LATER,
                net.bridge() + " disappeared during ADD"));
        return result(ready, bridge, hostEnd, ipam);
    }

    /**
     * The pair, in one message. A host end of the same name is a leftover of a crash between making it and
     * journaling the attachment: it goes and the pair is made again. Otherwise EEXIST is the pod's name taken.
     */
    private MacAddress createPair(Attachment att, NetNs ns, int mtu, NetConf conf) throws CniError {
        try {
            return PortWiring.createPair(cni.host, att.hostIfName(), ns, att.ifName(), mtu, conf.mac());
        } catch (NetlinkException e) {
            if (!e.is(Errno.EEXIST)) {
                throw e;
            }
            if (cni.host.links().deleteIfExists(att.hostIfName())) {
                return PortWiring.createPair(cni.host, att.hostIfName(), ns, att.ifName(), mtu, conf.mac());
            }
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_IFNAME: " + att.ifName() + " already exists in "
                    + att.netns());
        }
    }

    /** An ADD repeated for a live attachment answers as before; one whose links are gone is made again. */
    private Optional<ObjectNode> repeat(Attachment a, NetConf conf, String netnsPath) {
        if (a.state() != Attachment.State.READY || !a.netns().equals(netnsPath)) {
            return Optional.empty();
        }
        Optional<Link> hostEnd = cni.host.links().find(a.hostIfName());
        Optional<Link> bridge = cni.host.links().find(io.vmnetd.daemon.config.ClusterNetwork.bridgeName(a.clusterNetwork()));
        if (hostEnd.isEmpty() || bridge.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode r = result(a, bridge.get(), hostEnd, CniService.ipamResult(a));
        r.put("cniVersion", conf.cniVersion());
        return Optional.of(r);
    }

    private static ObjectNode result(Attachment a, Link bridge, Optional<Link> hostEnd, JsonNode ipam) {
        String hostMac = hostEnd.flatMap(Link::mac).map(Object::toString).orElse("");
        return CniResults.add(a.cniVersion(), List.of(
                new CniResults.Iface(bridge.name(), bridge.mac().map(Object::toString).orElse(""), null),
                new CniResults.Iface(a.hostIfName(), hostMac, null),
                new CniResults.Iface(a.ifName(), a.mac(), a.netns())), ipam);
    }

    private void undo(AttachmentKey key, Attachment att, NetConf conf, CniRequest req) {
        try {
            cni.host.links().deleteIfExists(att.hostIfName());
            if (att.ipamResult().isPresent() || conf.ipamType().isPresent()) {
                cni.release(key, Optional.of(att), conf, att.netns(), req.path().orElse(""), req.args().orElse(""));
            } else {
                cni.journal.remove(key);
            }
        } catch (CniError | RuntimeException e) {
            cni.journal.remove(key);
        }
    }

    private static NetNs openNetns(String path) throws CniError {
        try {
            return NetNs.open(Path.of(path));
        } catch (InvalidArgumentException e) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_NETNS: " + path + " is not a network namespace");
        } catch (NetlinkException e) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_NETNS: cannot open " + path + ": "
                    + e.errno().description(), e.is(Errno.ENOENT) ? "the namespace does not exist" : e.getMessage());
        }
    }
}
