package io.vmnetd.daemon.exec;

import java.nio.ByteBuffer;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The libc calls this package needs to open a program by descriptor and run it as a child: its own binding,
 * so that the netlink module never learns about processes. Calls that report failure through errno save it for
 * {@link ExecNative#errno()}; the posix_spawn family returns the error number instead.
 *
 * <p>Public only because jnr-ffi implements it in a class loader of its own; not part of the package's API.
 */
public interface ExecLibC {
    @SaveError
    int openat(int dirfd, String path, int flags);

    @SaveError
    int statx(int dirfd, String path, int flags, int mask, @Out ByteBuffer statxbuf);

    @SaveError
    long readlinkat(int dirfd, String path, @Out ByteBuffer buf, long size);

    @SaveError
    int close(int fd);

    @SaveError
    int pipe2(@Out ByteBuffer fds, int flags);

    @SaveError
    int fcntl(int fd, int cmd, int arg);

    @SaveError
    long read(int fd, Pointer buf, long count);

    @SaveError
    long write(int fd, Pointer buf, long count);

    @SaveError
    int poll(@In @Out ByteBuffer fds, long nfds, int timeoutMillis);

    @SaveError
    int kill(int pid, int sig);

    @SaveError
    int waitpid(int pid, @Out ByteBuffer status, int options);

    @SaveError
    int pidfd_open(int pid, int flags);

    int posix_spawn(@Out ByteBuffer pid, String path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newfd);

    int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);

    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_destroy(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setpgroup(Pointer attr, int pgroup);

    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigmask);

    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigdefault);

    int sigemptyset(Pointer set);

    int sigfillset(Pointer set);

    String strerror(int errnum);
}
