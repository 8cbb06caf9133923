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
        return open(path, path.toString());
    }

    /** Opens {@code path}, reported in messages as {@code name}. */
    private static NetNs open(Path path, String name) {
        String p = name;
        int fd = libc().open(path.toString(), Native.O_RDONLY | Native.O_CLOEXEC);
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

    /**
     * Opens {@code path} as a network namespace without trusting what is there: the name is first opened with
     * O_PATH (so that a FIFO never blocks, nothing is read) and, unless {@code followLink}, O_NOFOLLOW (a link planted
     * at the name is the link itself); that descriptor must be on nsfs; only then is the very same file opened for
     * use, through /proc/self/fd. {@code followLink} is for /proc/PID/ns/net, a link into nsfs by design.
     *
     * @throws NetlinkException with ENOENT when the path does not exist
     * @throws InvalidArgumentException naming what the file is when it is not a network namespace
     */
    public static NetNs openStrict(Path path, boolean followLink) {
        String p = path.toString();
        int pathFd = libc().open(p, Native.O_PATH | Native.O_CLOEXEC | (followLink ? 0 : Native.O_NOFOLLOW));
        if (pathFd < 0) {
            throw new NetlinkException("open network namespace", p, Errno.of(Native.errno()), null);
        }
        try {
            ByteBuffer fs = Native.direct(Native.STATFS_SIZE);
            int rc = libc().fstatfs(pathFd, fs);
            java.lang.ref.Reference.reachabilityFence(fs);
            if (rc != 0) {
                throw new NetlinkException("stat network namespace", p, Errno.of(Native.errno()), null);
            }
            if (fs.getLong(0) != Native.NSFS_MAGIC) {
                throw new InvalidArgumentException("netns", "\"" + p + "\" is not a network namespace: "
                        + describe(pathFd));
            }
            return open(Path.of("/proc/self/fd/" + pathFd), p);
        } finally {
            libc().close(pathFd);
        }
    }

    /** What a non-namespace file is, for the error: a symlink, a FIFO, a regular file... */
    private static String describe(int fd) {
        ByteBuffer st = Native.direct(STAT_SIZE);
        int rc = libc().fstat(fd, st);
        java.lang.ref.Reference.reachabilityFence(st);
        if (rc != 0) {
            return "it cannot be examined";
        }
        int mode = st.getInt(24) & 0170000;
        return switch (mode) {
            case 0120000 -> "it is a symbolic link";
            case 0010000 -> "it is a FIFO";
            case 0100000 -> "it is a regular file";
            case 0040000 -> "it is a directory";
            case 0140000 -> "it is a socket";
            default -> "it is a device or other special file";
        };
    }

    /** The namespace of the calling thread. */
    public static NetNs current() {
        return open(Path.of("/proc/thread-self/ns/net"));
    }

    /** A namespace's identity: its nsfs inode, stable for the namespace's life, and the device. */
    public record Identity(long device, long inode) {
        @Override
        public String toString() {
            return "net:[" + inode + "]";
        }
    }

    /** This namespace's identity; two handles are on the same namespace exactly when their identities are equal. */
    public Identity identity() {
        long[] id = identityOf();
        return new Identity(id[0], id[1]);
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
        return identity().equals(other.identity());
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

    private long[] identityOf() {
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
