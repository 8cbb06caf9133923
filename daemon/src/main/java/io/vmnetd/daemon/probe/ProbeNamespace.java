package io.vmnetd.daemon.probe;

import static io.vmnetd.daemon.probe.ProbeLibC.libc;

import io.vmnetd.netlink.NetNs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A throwaway network namespace, alive only while a check runs: a new thread leaves the daemon's namespace with
 * unshare(CLONE_NEWNET), runs the check there and ends. Nothing pins the namespace in a file system, so when the
 * thread ends and the last descriptor on it closes (or the daemon dies, even by SIGKILL) the kernel destroys it,
 * and with it every link inside and their veth peers. IPv6 is off in it, so the probe's interface sends nothing
 * of its own (no router solicitation, no duplicate address detection, no MLD report).
 */
final class ProbeNamespace {
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
        return result.get();
    }

    /** /proc/sys/net resolves to the namespace of the thread that opens it: this one's. */
    private static void disableIpv6() throws IOException {
        for (String scope : new String[] {"all", "default"}) {
            try {
                Files.writeString(Path.of("/proc/sys/net/ipv6/conf", scope, "disable_ipv6"), "1");
            } catch (NoSuchFileException e) {
                return; // a kernel without IPv6
            }
        }
    }
}
