package io.vmnetd.netlink.nl;

import static io.vmnetd.netlink.sys.Native.libc;

import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.sys.Native;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A raw AF_NETLINK socket: open, bind, send and receive whole datagrams. Not thread-safe; {@link Connection} adds
 * request/reply matching and locking. The socket belongs to the network namespace of the thread that opened it
 * for its whole life.
 */
public final class NetlinkSocket implements AutoCloseable {
    private static final int SOCKADDR_NL_LENGTH = 12;
    private static final int INITIAL_RECEIVE_BUFFER = 64 * 1024;
    private static final int INITIAL_SEND_BUFFER = 4 * 1024;
    private static final ByteBuffer UNALLOCATED = ByteBuffer.allocateDirect(0);

    private final int fd;
    private final int portId;
    private final ByteBuffer kernelAddress;
    // Both buffers are allocated at first use: a socket of a pool that is never busy costs no memory.
    private ByteBuffer receiveBuffer = UNALLOCATED;
    private final ByteBuffer sourceAddress = Native.direct(SOCKADDR_NL_LENGTH);
    private final ByteBuffer sourceAddressLength = Native.direct(4);
    private ByteBuffer sendBuffer = UNALLOCATED;
    // Buffers handed to native calls live in fields: a buffer only the call refers to may be freed by the GC while
    // the thread waits in the kernel, which then writes into memory malloc has given to someone else.
    private final ByteBuffer pollfd = Native.direct(8);
    private volatile boolean closed;

    private NetlinkSocket(int fd, int portId) {
        this.fd = fd;
        this.portId = portId;
        this.kernelAddress = sockaddr(0, 0);
    }

    /** Opens a NETLINK_ROUTE socket in the calling thread's network namespace, subscribed to {@code groups}. */
    public static NetlinkSocket open(int... groups) {
        int fd = libc().socket(Native.AF_NETLINK, Native.SOCK_RAW | Native.SOCK_CLOEXEC, Nl.NETLINK_ROUTE);
        if (fd < 0) {
            throw failure("open netlink socket", Native.errno());
        }
        try {
            ByteBuffer address = sockaddr(0, 0);
            if (libc().bind(fd, address, SOCKADDR_NL_LENGTH) < 0) {
                throw failure("bind netlink socket", Native.errno());
            }
            ByteBuffer length = Native.intBuffer(SOCKADDR_NL_LENGTH);
            int named = libc().getsockname(fd, address, length);
            Reference.reachabilityFence(address);
            Reference.reachabilityFence(length);
            if (named < 0) {
                throw failure("read netlink port id", Native.errno());
            }
            NetlinkSocket socket = new NetlinkSocket(fd, address.getInt(4));
            // Best effort: older kernels lack these; without them errors just carry no kernel text.
            socket.trySetOption(Nl.SOL_NETLINK, Nl.NETLINK_EXT_ACK, 1);
            socket.trySetOption(Nl.SOL_NETLINK, Nl.NETLINK_CAP_ACK, 1);
            for (int group : groups) {
                socket.setOption(Nl.SOL_NETLINK, Nl.NETLINK_ADD_MEMBERSHIP, group);
            }
            return socket;
        } catch (RuntimeException e) {
            libc().close(fd);
            throw e;
        }
    }

    public int portId() {
        return portId;
    }

    public int fd() {
        return fd;
    }

    public void setOption(int level, int name, int value) {
        if (!trySetOption(level, name, value)) {
            throw failure("set netlink socket option " + name, Native.errno());
        }
    }

    public boolean trySetOption(int level, int name, int value) {
        ByteBuffer v = Native.intBuffer(value);
        int rc = libc().setsockopt(fd, level, name, v, 4);
        Reference.reachabilityFence(v);
        return rc == 0;
    }

    /** An integer socket option, e.g. SO_RCVBUF (what the kernel uses: twice what was asked for). */
    public int intOption(int level, int name) {
        ByteBuffer value = Native.direct(4);
        ByteBuffer length = Native.intBuffer(4);
        int rc = libc().getsockopt(fd, level, name, value, length);
        Reference.reachabilityFence(value);
        Reference.reachabilityFence(length);
        if (rc < 0) {
            throw failure("read netlink socket option " + name, Native.errno());
        }
        return value.getInt(0);
    }

    /** Sets a receive timeout so that a request can never block a thread forever. */
    public void setReceiveTimeout(long millis) {
        ByteBuffer timeval = Native.direct(16);
        timeval.putLong(0, millis / 1000).putLong(8, (millis % 1000) * 1000);
        int rc = libc().setsockopt(fd, Native.SOL_SOCKET, Native.SO_RCVTIMEO, timeval, 16);
        Reference.reachabilityFence(timeval);
        if (rc < 0) {
            throw failure("set netlink receive timeout", Native.errno());
        }
    }

    /** Sends one datagram through this socket's own buffer: one thread at a time (as {@link Connection} does). */
    public void send(ByteBuffer message) {
        int length = message.remaining();
        if (sendBuffer.capacity() < length) {
            sendBuffer = Native.direct(Math.max(INITIAL_SEND_BUFFER, Integer.highestOneBit(length) << 1));
        }
        sendBuffer.clear();
        sendBuffer.put(message.duplicate());
        sendBuffer.flip();
        sendFrom(sendBuffer, length);
    }

    /**
     * Sends a datagram held in direct memory from its first byte, without a copy. Several threads may do this at
     * once, each with its own buffer: the kernel handles each datagram in its sender's thread, so a thread stays
     * here while the kernel works through the messages of its datagram.
     */
    public void sendDirect(ByteBuffer datagram) {
        if (!datagram.isDirect() || datagram.position() != 0) {
            throw new IllegalArgumentException("sendDirect needs a direct buffer starting at position 0");
        }
        sendFrom(datagram, datagram.remaining());
        Reference.reachabilityFence(datagram);
    }

    private void sendFrom(ByteBuffer buffer, int length) {
        while (true) {
            long sent = libc().sendto(fd, buffer, length, 0, kernelAddress, SOCKADDR_NL_LENGTH);
            if (sent >= 0) {
                return;
            }
            int errno = Native.errno();
            if (errno != Errno.EINTR.number()) {
                throw failure("send netlink message", errno);
            }
        }
    }

    /**
     * Receives one datagram, growing the buffer first if the next one is larger, and returns a heap copy the
     * caller may keep. Throws {@link NetlinkException} with ENOBUFS when the kernel dropped messages.
     */
    public ByteBuffer receive() {
        if (receiveBuffer == UNALLOCATED) {
            receiveBuffer = Native.direct(INITIAL_RECEIVE_BUFFER);
        }
        while (true) {
            long size = receiveInto(Native.MSG_PEEK | Native.MSG_TRUNC);
            if (size > receiveBuffer.capacity()) {
                receiveBuffer = Native.direct((int) Math.min(Integer.MAX_VALUE / 2, Long.highestOneBit(size) << 1));
            }
            long received = receiveInto(0);
            if (received < 0) {
                continue;
            }
            if (sourceAddress.getInt(4) != 0) {
                continue; // only the kernel (port 0) speaks rtnetlink to us; ignore anything else
            }
            byte[] copy = new byte[(int) received];
            receiveBuffer.get(0, copy);
            return ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder());
        }
    }

    private long receiveInto(int flags) {
        while (true) {
            sourceAddressLength.putInt(0, SOCKADDR_NL_LENGTH);
            long n = libc().recvfrom(fd, receiveBuffer, receiveBuffer.capacity(), flags, sourceAddress, sourceAddressLength);
            if (n >= 0) {
                return n;
            }
            int errno = Native.errno();
            if (errno == Errno.EINTR.number()) {
                continue;
            }
            if (errno == Errno.EAGAIN.number()) {
                throw new NetlinkException("receive netlink reply", null, Errno.ETIMEDOUT,
                        "no answer before the socket's receive timeout");
            }
            throw failure("receive netlink message", errno);
        }
    }

    /** Waits until a datagram is readable; false on timeout. */
    public boolean awaitReadable(int timeoutMillis) {
        pollfd.putInt(0, fd).putShort(4, (short) Native.POLLIN).putShort(6, (short) 0);
        int n = libc().poll(pollfd, 1, timeoutMillis);
        if (n < 0) {
            int errno = Native.errno();
            if (errno == Errno.EINTR.number()) {
                return false;
            }
            throw failure("poll netlink socket", errno);
        }
        return n > 0;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            libc().close(fd);
        }
    }

    private static ByteBuffer sockaddr(int pid, int groups) {
        ByteBuffer b = Native.direct(SOCKADDR_NL_LENGTH);
        b.putShort(0, (short) Native.AF_NETLINK).putShort(2, (short) 0).putInt(4, pid).putInt(8, groups);
        return b;
    }

    private static NetlinkException failure(String operation, int errno) {
        return new NetlinkException(operation, null, Errno.of(errno), null);
    }
}
