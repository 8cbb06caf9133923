package io.vmnetd.daemon.probe;

import java.nio.ByteBuffer;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The libc calls the probe needs beyond the netlink module's: a raw ICMP socket bound to the probe's interface (for
 * echo; its DHCP uses the DHCP client's socket) and a network namespace of its own. Buffers are direct, so jnr-ffi passes their address without copying; every call
 * that can fail saves errno for {@link #errno()}. Public only because jnr-ffi implements it in a class loader of its own.
 */
public interface ProbeLibC {
    int AF_INET = 2;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int IPPROTO_ICMP = 1;
    int SOL_SOCKET = 1;
    int SO_BINDTODEVICE = 25;
    int POLLIN = 0x1;
    int CLONE_NEWNET = 0x40000000;
    int EINTR = 4;
    int EAGAIN = 11;

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int setsockopt(int fd, int level, int optname, @In ByteBuffer optval, int optlen);

    @SaveError
    int bind(int fd, @In ByteBuffer sockaddr, int addrlen);

    @SaveError
    long sendto(int fd, @In ByteBuffer buf, long len, int flags, @In ByteBuffer destAddr, int addrlen);

    @SaveError
    long recvfrom(int fd, @Out ByteBuffer buf, long len, int flags, @Out ByteBuffer srcAddr,
                  @In @Out ByteBuffer addrlen);

    @SaveError
    int poll(@In @Out ByteBuffer fds, long nfds, int timeoutMillis);

    @SaveError
    int close(int fd);

    /** Moves only the calling thread into a new network namespace. */
    @SaveError
    int unshare(int flags);

    String strerror(int errnum);

    /** The loaded library. */
    static ProbeLibC libc() {
        return Holder.LIBC;
    }

    /** errno of the last failed call made by this thread through {@link #libc()}. */
    static int errno() {
        return Holder.RUNTIME.getLastError();
    }

    /** "ENAME-like" text for an errno, e.g. "Operation not permitted (errno 1)". */
    static String describe(int errno) {
        return Holder.LIBC.strerror(errno) + " (errno " + errno + ")";
    }

    final class Holder {
        private static final ProbeLibC LIBC = LibraryLoader.create(ProbeLibC.class)
                .load(Platform.getNativePlatform().getStandardCLibraryName());
        private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

        private Holder() {}
    }
}
