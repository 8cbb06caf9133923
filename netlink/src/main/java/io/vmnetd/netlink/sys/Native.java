package io.vmnetd.netlink.sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;

/** Loads libc once and holds the Linux constants the rest of the module uses. */
public final class Native {
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_BRIDGE = 7;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;

    public static final int SOCK_RAW = 3;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = 0x80000;

    public static final int SOL_SOCKET = 1;
    public static final int SO_BINDTODEVICE = 25;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_RCVTIMEO = 20;
    public static final int SO_RCVBUFFORCE = 33;

    public static final int MSG_PEEK = 0x2;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;

    public static final int POLLIN = 0x1;

    public static final int O_RDONLY = 0;
    public static final int O_NOFOLLOW = 0x20000;
    public static final int O_CLOEXEC = 0x80000;
    /** An fd that names a file without opening it: never blocks (a FIFO), never reads. */
    public static final int O_PATH = 0x200000;

    /** statfs.f_type of the nsfs pseudo file system, where namespace files live. */
    public static final long NSFS_MAGIC = 0x6e736673L;
    public static final int STATFS_SIZE = 120;

    public static final int CLONE_NEWNET = 0x40000000;
    /** _IO(0xb7, 0x3): asks an nsfs file which kind of namespace it is. */
    public static final long NS_GET_NSTYPE = 0xb703;

    private static final LibC LIBC = load();
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private Native() {}

    private static LibC load() {
        if (Platform.getNativePlatform().getOS() != Platform.OS.LINUX) {
            throw new UnsupportedOperationException("vmnetd's netlink layer needs Linux");
        }
        return LibraryLoader.create(LibC.class).load(Platform.getNativePlatform().getStandardCLibraryName());
    }

    public static LibC libc() {
        return LIBC;
    }

    /** errno of the last failed call made by this thread through {@link #libc()}. */
    public static int errno() {
        return RUNTIME.getLastError();
    }

    public static String strerror(int errno) {
        return LIBC.strerror(errno);
    }

    public static ByteBuffer direct(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    public static ByteBuffer intBuffer(int value) {
        ByteBuffer b = direct(4);
        b.putInt(0, value);
        return b;
    }
}
