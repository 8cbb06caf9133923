package io.vmnetd.daemon.probe;

import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.sys.Native;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A throwaway network namespace, alive only while a check runs: a new thread leaves the daemon's namespace with
 * unshare(CLONE_NEWNET), runs the check there and ends. Nothing pins the namespace in a file system, so when the
 * thread ends and the last descriptor on it closes (or the daemon dies, even by SIGKILL) the kernel destroys it,
 * and with it every link inside and their veth peers.
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
                if (Native.libc().unshare(Native.CLONE_NEWNET) != 0) {
                    throw new ProbeException("cannot make the probe's network namespace: unshare(CLONE_NEWNET): "
                            + Native.strerror(Native.errno()) + " (errno " + Native.errno() + ")");
                }
                bringUpLoopback();
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
     * A new namespace has no local routing table until some address is configured, and without one the kernel
     * takes every IPv4 address for a broadcast one: ARP resolution would never start (the entry is NOARP with
     * ff:ff:ff:ff:ff:ff). Loopback's 127.0.0.1 makes the table.
     */
    private static void bringUpLoopback() {
        try (RtNetlink rtnl = RtNetlink.open()) {
            rtnl.links().setUp("lo");
        }
    }
}
