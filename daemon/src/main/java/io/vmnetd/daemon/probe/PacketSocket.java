package io.vmnetd.daemon.probe;

import static io.vmnetd.daemon.probe.ProbeLibC.libc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import io.vmnetd.daemon.probe.net.Deadline;
import io.vmnetd.daemon.probe.net.FrameChannel;
import java.util.Optional;

/**
 * A raw AF_PACKET socket bound to one interface of the calling thread's network namespace: whole Ethernet frames,
 * every protocol. Needs CAP_NET_RAW. Not thread-safe: one exchange at a time uses it.
 */
public final class PacketSocket implements FrameChannel {
    private static final int SOCKADDR_LL_SIZE = 20;
    private static final int MAX_FRAME = 65536;
    private static final int POLLFD_SIZE = 8;

    private final int fd;
    private final int ifIndex;
    private final ByteBuffer sendBuffer = direct(MAX_FRAME);
    private final ByteBuffer receiveBuffer = direct(MAX_FRAME);
    private final ByteBuffer from = direct(SOCKADDR_LL_SIZE);
    private final ByteBuffer fromLength = direct(4);
    private final ByteBuffer pollFd = direct(POLLFD_SIZE);
    private final ByteBuffer to;
    private boolean closed;

    private PacketSocket(int fd, int ifIndex) {
        this.fd = fd;
        this.ifIndex = ifIndex;
        this.to = sockaddr(ifIndex);
    }

    /** Opens a packet socket on interface {@code ifIndex} of the calling thread's namespace. */
    public static PacketSocket open(int ifIndex) {
        // Protocol 0 receives nothing until bind names the protocol, so no frame of another interface slips in.
        int fd = libc().socket(ProbeLibC.AF_PACKET, ProbeLibC.SOCK_RAW | ProbeLibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw failure("socket(AF_PACKET, SOCK_RAW)", ProbeLibC.errno());
        }
        ByteBuffer address = sockaddr(ifIndex);
        int rc = libc().bind(fd, address, SOCKADDR_LL_SIZE);
        Reference.reachabilityFence(address);
        if (rc != 0) {
            int errno = ProbeLibC.errno();
            libc().close(fd);
            throw failure("bind(AF_PACKET, ifindex " + ifIndex + ")", errno);
        }
        return new PacketSocket(fd, ifIndex);
    }

    @Override
    public void send(byte[] frame) {
        sendBuffer.clear();
        sendBuffer.put(frame).flip();
        long sent = libc().sendto(fd, sendBuffer, frame.length, 0, to, SOCKADDR_LL_SIZE);
        Reference.reachabilityFence(sendBuffer);
        Reference.reachabilityFence(to);
        if (sent < 0) {
            throw failure("send on ifindex " + ifIndex, ProbeLibC.errno());
        }
    }

    @Override
    public Optional<byte[]> receive(Deadline deadline) {
        while (true) {
            long waitMillis = deadline.remainingMillis();
            if (waitMillis <= 0 || !readable((int) Math.min(waitMillis, Integer.MAX_VALUE))) {
                if (deadline.passed()) {
                    return Optional.empty();
                }
                continue;
            }
            fromLength.putInt(0, SOCKADDR_LL_SIZE);
            long n = libc().recvfrom(fd, receiveBuffer, MAX_FRAME, 0, from, fromLength);
            Reference.reachabilityFence(receiveBuffer);
            Reference.reachabilityFence(from);
            Reference.reachabilityFence(fromLength);
            if (n < 0) {
                int errno = ProbeLibC.errno();
                if (errno == ProbeLibC.EINTR || errno == ProbeLibC.EAGAIN) {
                    continue;
                }
                throw failure("receive on ifindex " + ifIndex, errno);
            }
            if ((from.get(10) & 0xff) == ProbeLibC.PACKET_OUTGOING) {
                continue;
            }
            byte[] frame = new byte[(int) n];
            receiveBuffer.get(0, frame);
            return Optional.of(frame);
        }
    }

    private boolean readable(int timeoutMillis) {
        pollFd.putInt(0, fd);
        pollFd.putShort(4, (short) ProbeLibC.POLLIN);
        pollFd.putShort(6, (short) 0);
        int rc = libc().poll(pollFd, 1, timeoutMillis);
        Reference.reachabilityFence(pollFd);
        if (rc < 0) {
            int errno = ProbeLibC.errno();
            if (errno == ProbeLibC.EINTR) {
                return false;
            }
            throw failure("poll on ifindex " + ifIndex, errno);
        }
        return rc > 0 && (pollFd.getShort(6) & ProbeLibC.POLLIN) != 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            libc().close(fd);
        }
    }

    /** struct sockaddr_ll for {@code ifIndex}, every protocol (ETH_P_ALL, in network order). */
    private static ByteBuffer sockaddr(int ifIndex) {
        ByteBuffer b = direct(SOCKADDR_LL_SIZE);
        b.putShort(0, (short) ProbeLibC.AF_PACKET);
        b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) ProbeLibC.ETH_P_ALL).order(ByteOrder.nativeOrder());
        b.putInt(4, ifIndex);
        return b;
    }

    private static ByteBuffer direct(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    private static UncheckedIOException failure(String what, int errno) {
        return new UncheckedIOException(new IOException(what + ": " + ProbeLibC.describe(errno)));
    }

    @Override
    public String toString() {
        return "PacketSocket[ifindex " + ifIndex + ", fd " + fd + "]";
    }
}
