package io.vmnetd.netlink;

import static io.vmnetd.netlink.sys.Native.libc;

import io.vmnetd.netlink.nl.NetlinkException;
import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.sys.Native;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * An open handle on a network namespace ({@code /run/netns/X}, {@code /proc/PID/ns/net}). Work inside it runs on
 * a short-lived thread that enters the namespace and ends with the work, so no caller's thread is ever left in a
 * foreign namespace. Thread-safe; close it when done.
 */
public final class NetNs implements AutoCloseable {
    private static final int STAT_SIZE = 144;

    private final int fd;
    private final String path;
    private volatile boolean closed;

    private NetNs(int fd, String path) {
        this.fd = fd;
        this.path = path;
    }

    /**
     * Opens {@code path} and checks, on the opened file, that it is a network namespace.
     *
     * @throws NetlinkException with ENOENT when the path does not exist
     * @throws InvalidArgumentException when it exists but is not a network namespace
     */
    public static NetNs open(Path path) {
        String p = path.toString();
        int fd = libc().open(p, Native.O_RDONLY | Native.O_CLOEXEC);
        if (fd < 0) {
            throw new NetlinkException("open network namespace", p, Errno.of(Native.errno()), null);
        }
        int type = libc().ioctl(fd, Native.NS_GET_NSTYPE);
        if (type != Native.CLONE_NEWNET) {
            libc().close(fd);
            throw new InvalidArgumentException("netns", "\"" + p + "\" is not a network namespace");
        }
        return new NetNs(fd, p);
    }

    /** The namespace of the calling thread. */
    public static NetNs current() {
        return open(Path.of("/proc/thread-self/ns/net"));
    }

    public int fd() {
        checkOpen();
        return fd;
    }

    public String path() {
        return path;
    }

    /** True when both handles name the same namespace (same nsfs inode). */
    public boolean isSameAs(NetNs other) {
        long[] a = identity();
        long[] b = other.identity();
        return a[0] == b[0] && a[1] == b[1];
    }

    /** Runs {@code work} with a thread inside this namespace and returns its result; exceptions pass through. */
    public <T> T execute(Supplier<T> work) {
        checkOpen();
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                if (libc().setns(fd, Native.CLONE_NEWNET) != 0) {
                    throw new NetlinkException("enter network namespace", path, Errno.of(Native.errno()), null);
                }
                result.set(work.get());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "netns:" + path);
        worker.setDaemon(true);
        worker.start();
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
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
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
        return result.get();
    }

    private long[] identity() {
        ByteBuffer st = Native.direct(STAT_SIZE);
        int rc = libc().fstat(fd(), st);
        java.lang.ref.Reference.reachabilityFence(st);
        if (rc != 0) {
            throw new NetlinkException("stat network namespace", path, Errno.of(Native.errno()), null);
        }
        return new long[] {st.getLong(0), st.getLong(8)};
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("network namespace handle " + path + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            libc().close(fd);
        }
    }

    @Override
    public String toString() {
        return "NetNs[" + path + "]";
    }
}
