package io.vmnetd.daemon.cni;

import io.vmnetd.daemon.log.LogFields;
import io.vmnetd.daemon.metrics.Metrics;
import io.vmnetd.daemon.state.AttachmentJournal;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon side of the vmnet CNI plugin: decodes what the shim forwards, hands it to ADD, DEL, CHECK, STATUS or GC
 * (siblings that each read top to bottom), and shapes the outcome as the shim's reply. Calls for one container
 * interface never interleave; a VM port's bridge work runs under its cluster network's lock.
 */
public final class CniService {
    private static final Logger LOG = Logger.getLogger(CniService.class.getName());

    private final Metrics metrics;
    private final BooleanSupplier ready;
    private final CniAdd add;
    private final CniDel del;
    private final CniCheck check;
    private final CniStatus status;
    private final CniGc gc;
    private final Reclaimer reclaimer;

    public CniService(Networks networks, AttachmentJournal journal, Metrics metrics, BooleanSupplier ready) {
        this.metrics = metrics;
        this.ready = ready;
        KeyLocks locks = new KeyLocks();
        Ipam ipam = new Ipam(() -> networks.config().cni());
        Teardown teardown = new Teardown(networks, journal, ipam);
        PodNamespaces namespaces = new PodNamespaces(() -> networks.config().cni(), journal);
        this.add = new CniAdd(networks, journal, ipam, teardown, locks, namespaces);
        this.del = new CniDel(journal, teardown, locks);
        this.check = new CniCheck(networks, journal, locks, namespaces);
        this.status = new CniStatus(networks);
        this.gc = new CniGc(journal, teardown, locks);
        this.reclaimer = new Reclaimer(networks, journal, teardown, locks, metrics);
    }

    /** What cleans up after calls that will never come again; the daemon sweeps with it at start and periodically. */
    public Reclaimer reclaimer() {
        return reclaimer;
    }

    /** One call, exactly as the shim sent it (see cni-shim/src/vmnet.c). */
    public CniReply handle(byte[] body) {
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
                metrics.cniRequest(command, "not_ready", elapsed(start));
                return new CniReply(1, CniResults.error(version, new CniError(CniError.TRY_AGAIN_LATER,
                        "vmnetd has not reconciled yet")), Optional.empty(), true);
            }
            NetConf conf = NetConf.parse(req.config());
            version = conf.cniVersion();
            fields = fields.with(LogFields.VM_NETWORK, conf.network().orElse(conf.name()));
            String stdout = dispatch(command, req, conf);
            if (command.equals("ADD") || command.equals("DEL")) {
                fields.log(LOG, Level.INFO, "CNI " + command + " " + req.containerId().orElse("") + "/"
                        + req.ifName().orElse("") + " on " + fields.fields().get(LogFields.VM_NETWORK) + ": port "
                        + fields.fields().get(LogFields.PORT));
            }
            return ok(stdout, command, start);
        } catch (CniError e) {
            return failed(command, version, e, start, fields);
        } catch (CniAdd.JournalFailure e) {
            return failed(command, version, new CniError(CniError.IO_FAILURE, "vmnetd cannot record the attachment in "
                    + "its state directory: " + e.getMessage(), "nothing was left on the node; try again when the "
                    + "state directory is writable and has space"), start, fields);
        } catch (RuntimeException e) {
            fields.log(LOG, Level.WARNING, "CNI " + command + " failed: " + e);
            return failed(command, version, new CniError(CniError.IO_FAILURE, String.valueOf(e.getMessage())), start,
                    fields);
        }
    }

    /** The journal fields of a call: command, container, interface and, when the key is valid, the host-side port. */
    private static LogFields logFields(CniRequest req) {
        LogFields f = LogFields.of(LogFields.CNI_COMMAND, req.command())
                .with(LogFields.CONTAINER, req.containerId().orElse(null))
                .with(LogFields.IFNAME, req.ifName().orElse(null));
        try {
            return f.with(LogFields.PORT, HostNames.of(req.key()));
        } catch (CniError invalidKey) {
            return f; // refused later with the reason; the fields name what was given
        }
    }

    /** The verb's output on stdout: ADD's result; nothing for the others. */
    private String dispatch(String command, CniRequest req, NetConf conf) throws CniError {
        switch (command) {
            case "ADD":
                return add.add(req, conf).toString();
            case "DEL":
                del.del(req, conf);
                return "";
            case "CHECK":
                check.check(req, conf);
                return "";
            case "STATUS":
                status.status(conf);
                return "";
            case "GC":
                gc.gc(req, conf);
                return "";
            default:
                throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_COMMAND \"" + command
                        + "\" is not a CNI command; allowed: ADD, DEL, CHECK, STATUS, GC, VERSION");
        }
    }

    private CniReply ok(String stdout, String command, long start) {
        metrics.cniRequest(command, Metrics.OK, elapsed(start));
        return new CniReply(0, stdout, Optional.empty(), false);
    }

    private CniReply failed(String command, String version, CniError e, long start, LogFields fields) {
        fields.log(LOG, Level.INFO, "CNI " + command + " failed: " + e.getMessage() + (e.details().isEmpty() ? "" : " (" + e.details() + ")"));
        metrics.cniRequest(command, Metrics.ERROR, elapsed(start));
        return new CniReply(1, CniResults.error(version, e), Optional.empty(), false);
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
