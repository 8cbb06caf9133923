package io.vmnetd.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.api.Caller;
import io.vmnetd.daemon.api.CniReply;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.log.LogFields;
import io.vmnetd.daemon.metrics.Metrics;
import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.reconcile.Reason;
import io.vmnetd.daemon.reconcile.Reconciler;
import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.daemon.state.AttachmentJournal;
import io.vmnetd.daemon.state.AttachmentKey;
import io.vmnetd.netlink.Arguments;
import io.vmnetd.netlink.InvalidArgumentException;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.VidSet;
import io.vmnetd.netlink.nl.NetlinkException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon side of the vmnet CNI plugin: decodes what the shim forwards and runs ADD, DEL, CHECK, STATUS, GC
 * and VERSION. Calls for one container interface never interleave; the bridge work of a call runs under its
 * cluster network's lock, so it never interleaves with a reconcile of that bridge either.
 */
public final class CniService {
    private static final Logger LOG = Logger.getLogger(CniService.class.getName());
    private static final int KEY_LOCKS = 256;

    final Reconciler reconciler;
    final RtNetlink host;
    final AttachmentJournal journal;
    private final Metrics metrics;
    private final BooleanSupplier ready;
    private final ReentrantLock[] keyLocks = new ReentrantLock[KEY_LOCKS];
    private final CniAdd add;
    private final CniInspect inspect;

    public CniService(Reconciler reconciler, RtNetlink host, AttachmentJournal journal, Metrics metrics,
                      BooleanSupplier ready) {
        this.reconciler = reconciler;
        this.host = host;
        this.journal = journal;
        this.metrics = metrics;
        this.ready = ready;
        for (int i = 0; i < KEY_LOCKS; i++) {
            keyLocks[i] = new ReentrantLock();
        }
        this.add = new CniAdd(this);
        this.inspect = new CniInspect(this);
    }

    public CniReply handle(byte[] body, Caller caller) {
        long start = System.nanoTime();
        String command = "unknown";
        String version = CniVersions.LATEST;
        LogFields fields = LogFields.of(LogFields.CNI_COMMAND, command);
        try {
            CniRequest req = CniRequest.parse(body);
            command = req.command();
            fields = logFields(req);
            if (command.equals("VERSION")) {
                return ok(CniResults.version(), command, start);
            }
            if (!ready.getAsBoolean() && !command.equals("DEL")) {
                metrics.cniRequest(command, "not_ready", Duration.ofNanos(System.nanoTime() - start));
                return new CniReply(1, CniResults.error(version, new CniError(CniError.TRY_AGAIN_LATER,
                        "vmnetd has not reconciled yet")), Optional.empty(), true);
            }
            NetConf conf = NetConf.parse(req.config());
            version = conf.cniVersion();
            fields = fields.with(LogFields.VM_NETWORK, conf.network().orElse(conf.name()));
            String out = switch (command) {
                case "ADD" -> add.add(req, conf).toString();
                case "DEL" -> { del(req, conf); yield ""; }
                case "CHECK" -> { inspect.check(req, conf); yield ""; }
                case "STATUS" -> { inspect.status(conf); yield ""; }
                case "GC" -> { inspect.gc(req, conf); yield ""; }
                default -> throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_COMMAND \"" + command
                        + "\" is not a CNI command; allowed: ADD, DEL, CHECK, STATUS, GC, VERSION");
            };
            if (command.equals("ADD") || command.equals("DEL")) {
                Map<String, String> f = fields.fields();
                fields.log(LOG, Level.INFO, "CNI " + command + " " + f.get(LogFields.CONTAINER) + "/" + f.get(LogFields.IFNAME)
                        + " on " + f.get(LogFields.VM_NETWORK) + ": port " + f.get(LogFields.PORT));
            }
            return ok(out, command, start);
        } catch (CniError e) {
            fields.log(LOG, Level.INFO, "CNI " + command + " failed: " + e.getMessage()
                    + (e.details().isEmpty() ? "" : " (" + e.details() + ")"));
            metrics.cniRequest(command, "error", Duration.ofNanos(System.nanoTime() - start));
            return new CniReply(1, CniResults.error(version, e), Optional.empty(), false);
        } catch (RuntimeException e) {
            fields.log(LOG, Level.WARNING, "CNI " + command + " failed: " + e);
            metrics.cniRequest(command, "error", Duration.ofNanos(System.nanoTime() - start));
            return new CniReply(1, CniResults.error(version, new CniError(CniError.IO_FAILURE, e.getMessage())),
                    Optional.empty(), false);
        }
    }

    /** The journal fields of a call: command, container, interface and, when both are known, the host-side port. */
    private static LogFields logFields(CniRequest req) {
        LogFields f = LogFields.of(LogFields.CNI_COMMAND, req.command())
                .with(LogFields.CONTAINER, req.containerId().orElse(null))
                .with(LogFields.IFNAME, req.ifName().orElse(null));
        if (req.containerId().isPresent() && req.ifName().isPresent()) {
            f = f.with(LogFields.PORT, PortWiring.hostVethName(req.containerId().get(), req.ifName().get()));
        }
        return f;
    }

    private CniReply ok(String out, String command, long start) {
        metrics.cniRequest(command, Metrics.OK, Duration.ofNanos(System.nanoTime() - start));
        return new CniReply(0, out, Optional.empty(), false);
    }

    /** DEL: whatever is already gone is success; links, IPAM lease and journal entry go. */
    void del(CniRequest req, NetConf conf) throws CniError {
        AttachmentKey key = key(req);
        ReentrantLock keyLock = lockFor(key);
        keyLock.lock();
        try {
            Optional<Attachment> att = journal.get(key);
            release(key, att, conf, req.netns().orElse(""), req.path().orElse(""), req.args().orElse(""));
        } finally {
            keyLock.unlock();
        }
    }

    /** Removes an attachment's links, IPAM lease and journal entry; used by DEL, GC and a failed ADD. */
    void release(AttachmentKey key, Optional<Attachment> att, NetConf conf, String netns, String cniPath, String args)
            throws CniError {
        String hostName = att.map(Attachment::hostIfName).orElse(PortWiring.hostVethName(key.containerId(), key.ifName()));
        Optional<String> cn = att.map(Attachment::clusterNetwork);
        // The port stops being live before its link goes, so that the link's own events find nothing to repair.
        // Should anything below fail, the runtime repeats the DEL, which needs no journal entry: the host end's
        // name is derived from the key and the IPAM config comes with the call.
        if (att.isPresent()) {
            changeJournal(att.get().clusterNetwork(), att.get().vlans().vids(), () -> journal.remove(key));
        } else {
            journal.remove(key);
        }
        ReentrantLock netLock = cn.map(reconciler::lockFor).orElse(null);
        if (netLock != null) {
            netLock.lock();
        }
        try {
            host.links().deleteIfExists(hostName);
        } finally {
            if (netLock != null) {
                netLock.unlock();
            }
        }
        NetConf ipamConf = att.map(a -> parseQuietly(a.netconf())).orElse(conf);
        if (ipamConf != null && ipamConf.ipamType().isPresent()) {
            // Without the caller's CNI_PATH (GC, recovery after a crash) the allowed directories are searched.
            String path = cniPath.isEmpty() ? String.join(":", config().ipamDirs().stream().map(Object::toString).toList())
                    : cniPath;
            IpamPlugin ipam = IpamPlugin.locate(ipamConf.ipamType().get(), path, config().ipamDirs());
            ipam.call("DEL", env(key, netns, args), ipamConf.raw(), ipam.negotiate(ipamConf.cniVersion()));
        }
    }

    /**
     * Makes {@code change} to the journal, and reconciles {@code network} at once when that changed what its uplink
     * carries: the first port of a VID needs it carried before ADD answers, and the last one's DEL gives it back.
     * Only a port with VIDs no configured VM network puts on the uplink can change it; for any other the desired
     * state is not even looked at.
     */
    void changeJournal(String network, VidSet portVids, Runnable change) {
        Optional<VidSet> configured = reconciler.configuredUplinkVids(network);
        if (configured.isPresent() && portVids.minus(configured.get()).minus(VidSet.of(1)).isEmpty()) {
            change.run();
            return;
        }
        VidSet before = uplinkVids(network);
        change.run();
        if (!uplinkVids(network).equals(before)) {
            reconciler.reconcile(network, Reason.CNI);
        }
    }

    private VidSet uplinkVids(String network) {
        return reconciler.desired().network(network).map(DesiredNetwork::uplinkVids).orElse(VidSet.empty());
    }

    /**
     * After a crash: an attachment still ADDING never answered its runtime, which will retry; undo what it did.
     */
    public void recover() {
        for (Attachment a : journal.all()) {
            if (a.state() == Attachment.State.ADDING) {
                LOG.info("undoing interrupted ADD of " + a.key());
                try {
                    release(a.key(), Optional.of(a), parseQuietly(a.netconf()), a.netns(), "", "");
                } catch (CniError | RuntimeException e) {
                    LOG.warning("cannot undo interrupted ADD of " + a.key() + ": " + e.getMessage());
                    journal.remove(a.key());
                }
            }
        }
    }

    private static NetConf parseQuietly(String text) {
        try {
            return NetConf.parse(text);
        } catch (CniError e) {
            return null;
        }
    }

    static java.util.Map<String, String> env(AttachmentKey key, String netns, String args) {
        return java.util.Map.of("CNI_CONTAINERID", key.containerId(), "CNI_NETNS", netns, "CNI_IFNAME", key.ifName(),
                "CNI_ARGS", args);
    }

    Config config() {
        return reconciler.config();
    }

    OptionalInt kernelMtu(String bridge) {
        return host.links().find(bridge).map(Link::mtu).map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    ReentrantLock lockFor(AttachmentKey key) {
        return keyLocks[Math.floorMod(key.hashCode(), KEY_LOCKS)];
    }

    static AttachmentKey key(CniRequest req) throws CniError {
        String containerId = req.require(req.containerId(), "CNI_CONTAINERID");
        String ifName = req.require(req.ifName(), "CNI_IFNAME");
        try {
            Arguments.linkName("CNI_IFNAME", ifName);
        } catch (InvalidArgumentException e) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, e.getMessage());
        }
        return new AttachmentKey(containerId, ifName);
    }

    static CniError kernelError(String what, NetlinkException e) {
        return new CniError(CniError.IO_FAILURE, what + ": " + e.getMessage());
    }

    static JsonNode ipamResult(Attachment a) {
        return a.ipamResult().map(s -> {
            try {
                return CniResults.JSON.readTree(s);
            } catch (java.io.IOException e) {
                return null;
            }
        }).orElse(null);
    }
}
