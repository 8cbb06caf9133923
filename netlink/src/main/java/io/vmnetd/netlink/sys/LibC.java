package io.vmnetd.netlink.sys;

import java.nio.ByteBuffer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The few libc calls the netlink layer needs. Buffers are always direct, so jnr-ffi passes their address
 * without copying; every call that can fail saves errno for {@link Native#errno()}.
 */
public interface LibC {
    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int bind(int fd, @In ByteBuffer sockaddr, int addrlen);

    @SaveError
    int getsockname(int fd, @Out ByteBuffer sockaddr, @In @Out ByteBuffer addrlen);

    @SaveError
    long sendto(int fd, @In ByteBuffer buf, long len, int flags, @In ByteBuffer destAddr, int addrlen);

    @SaveError
    long recvfrom(int fd, @Out ByteBuffer buf, long len, int flags, @Out ByteBuffer srcAddr, @In @Out ByteBuffer addrlen);

    @SaveError
    int setsockopt(int fd, int level, int optname, @In ByteBuffer optval, int optlen);

    @SaveError
    int getsockopt(int fd, int level, int optname, @Out ByteBuffer optval, @In @Out ByteBuffer optlen);

    @SaveError
    int poll(@In @Out ByteBuffer fds, long nfds, int timeoutMillis);

    @SaveError
    int close(int fd);

    @SaveError
    int open(String path, int flags);

    @SaveError
    int setns(int fd, int nstype);

    @SaveError
    int unshare(int flags);

    @SaveError
    int ioctl(int fd, long request);

    @SaveError
    int fstat(int fd, @Out ByteBuffer statbuf);

    @SaveError
    int fstatfs(int fd, @Out ByteBuffer statfsbuf);

    String strerror(int errnum);
}
