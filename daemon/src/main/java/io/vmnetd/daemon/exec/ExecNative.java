package io.vmnetd.daemon.exec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Loads {@link ExecLibC} once and holds the Linux constants this package uses. The open(2) flag values differ
 * between architectures; these are x86_64's (the only platform the daemon ships for), checked at load.
 */
final class ExecNative {
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_EMPTY_PATH = 0x1000;

    static final int O_NONBLOCK = 0x800;
    static final int O_DIRECTORY = 0x10000;
    static final int O_NOFOLLOW = 0x20000;
    static final int O_CLOEXEC = 0x80000;
    static final int O_PATH = 0x200000;

    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int F_DUPFD_CLOEXEC = 1030;

    static final int STATX_TYPE = 0x1;
    static final int STATX_MODE = 0x2;
    static final int STATX_UID = 0x8;
    static final int STATX_GID = 0x10;
    static final int STATX_SIZE_BYTES = 256;

    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;

    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    static final int SIGKILL = 9;

    static final short POSIX_SPAWN_SETPGROUP = 0x02;
    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    /** glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336 on x86_64; room to spare. */
    static final int SPAWN_STRUCT_BYTES = 1024;
    static final int SIGSET_BYTES = 128;

    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EPIPE = 32;
    static final int ELOOP = 40;

    private static final ExecLibC LIBC = load();
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private ExecNative() {}

    private static ExecLibC load() {
        Platform platform = Platform.getNativePlatform();
        if (platform.getOS() != Platform.OS.LINUX || platform.getCPU() != Platform.CPU.X86_64) {
            throw new UnsupportedOperationException("running child processes needs Linux on x86_64, not "
                    + platform.getOS() + " on " + platform.getCPU());
        }
        return LibraryLoader.create(ExecLibC.class).load(platform.getStandardCLibraryName());
    }

    static ExecLibC libc() {
        return LIBC;
    }

    /** errno of the last failed call made by this thread through {@link #libc()}. */
    static int errno() {
        return RUNTIME.getLastError();
    }

    /** "No such file or directory (errno 2)". */
    static String describe(int errno) {
        return LIBC.strerror(errno) + " (errno " + errno + ")";
    }

    static ByteBuffer direct(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    /** Zeroed native memory, freed when the returned pointer is garbage collected. */
    static Pointer memory(long size) {
        return Memory.allocateDirect(RUNTIME, size, true);
    }

    static int addressSize() {
        return RUNTIME.addressSize();
    }

    /** Closes {@code fd} if it is one; a failed close of a descriptor we own cannot be acted on. */
    static void closeQuietly(int fd) {
        if (fd >= 0) {
            LIBC.close(fd);
        }
    }
}
