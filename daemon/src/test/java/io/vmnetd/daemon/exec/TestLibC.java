package io.vmnetd.daemon.exec;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;

/** What the tests need to give the JVM the state a child must not inherit: blocked, ignored signals, open fds. */
public interface TestLibC {
    int SIG_BLOCK = 0;
    int SIG_SETMASK = 2;
    long SIG_IGN = 1;
    int SIGWINCH = 28;
    int O_RDONLY = 0;

    TestLibC LIBC = LibraryLoader.create(TestLibC.class).load(Platform.getNativePlatform().getStandardCLibraryName());

    int pthread_sigmask(int how, Pointer set, Pointer oldset);

    int sigemptyset(Pointer set);

    int sigaddset(Pointer set, int signum);

    long signal(int signum, long handler);

    int open(String path, int flags);

    int close(int fd);
}
