package io.vmnetd.daemon.probe;

import static io.vmnetd.daemon.probe.ProbeLibC.libc;

import io.vmnetd.netlink.NetNs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * A throwaway network namespace, alive only while a check runs: a new thread leaves the daemon's namespace with
 * unshare(CLONE_NEWNET), runs the check there and ends. Nothing pins the namespace in a file system, so when the
 * thread ends and the last descriptor on it closes (or the daemon dies, even by SIGKILL) the kernel destroys it,
 * and with it every link inside and their veth peers. IPv6 is off in it, so the probe's interface sends nothing
 * of its own (no router solicitation, no duplicate address detection, no MLD report).
 */
final class ProbeNamespace {
    private static final Logger LOG = Logger.getLogger(ProbeNamespace.class.getName());
    private static volatile boolean ipv6Warned;

    private ProbeNamespace() {}

    /**
     * Runs {@code work} on a new thread inside a new namespace and returns its result; {@code work} gets a handle
     * on that namespace (for links to be created in it) that is closed afterwards. Exceptions pass through.
     */
    static <T> T run(String name, Function<NetNs, T> work) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                if (libc().unshare(ProbeLibC.CLONE_NEWNET) != 0) {
                    throw new ProbeException("cannot make the probe's network namespace: unshare(CLONE_NEWNET): "
                            + ProbeLibC.describe(ProbeLibC.errno()));
                }
                disableIpv6();
                try (NetNs ns = NetNs.current()) {
                    result.set(work.apply(ns));
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "probe:" + name);
        thread.setDaemon(true);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new ProbeException(String.valueOf(t.getMessage()), t);
        }
        return result.get();
    }

    /**
     * /proc/sys/net resolves to the namespace of the thread that opens it: this one's. Not fatal: where /proc/sys is
     * read-only (systemd's ProtectKernelTunables) the check still works, its interface merely solicits routers.
     */
    private static void disableIpv6() {
        for (String scope : new String[] {"all", "default"}) {
            try {
                Files.writeString(Path.of("/proc/sys/net/ipv6/conf", scope, "disable_ipv6"), "1");
            } catch (NoSuchFileException e) {
                return; // a kernel without IPv6
            } catch (IOException e) {
                if (!ipv6Warned) {
                    ipv6Warned = true;
                    LOG.warning("cannot turn IPv6 off in the probe's namespace (" + e + "): its interface may send"
                            + " IPv6 router solicitations and duplicate address detection");
                }
                return;
            }
        }
    }
}
