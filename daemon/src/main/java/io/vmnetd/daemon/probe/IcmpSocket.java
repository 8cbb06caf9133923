package io.vmnetd.daemon.probe;

import io.vmnetd.daemon.probe.net.Deadline;
import io.vmnetd.daemon.probe.net.Ipv4Address;
import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.sys.LibC;
import io.vmnetd.netlink.sys.Native;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A raw ICMP socket of the calling thread's network namespace, bound to one interface (SO_BINDTODEVICE), so that
 * it sends out of that interface whatever its routes say (the probe's namespace has none) and receives only what
 * arrived there: echo requests out (the ICMP message; the kernel adds the IPv4 header, does Ethernet and ARP for the
 * next hop), every ICMP packet the interface takes in (with its IPv4 header). Not thread-safe: one exchange at a
 * time uses it. (The probe's DHCP goes through the DHCP client's own UDP socket, {@code dhcp.DhcpSocket}.)
 */
final class IcmpSocket implements AutoCloseable {
    private static final int SOCKADDR_IN_SIZE = 16;
    private static final int MAX_DATAGRAM = 65536;
    private static final int POLLFD_SIZE = 8;
    private static final int IPPROTO_ICMP = 1;

    private static final LibC LIBC = Native.libc();

    private final int fd;
    private final String what;
    private final ByteBuffer sendBuffer = direct(MAX_DATAGRAM);
    private final ByteBuffer receiveBuffer = direct(MAX_DATAGRAM);
    private final ByteBuffer to = direct(SOCKADDR_IN_SIZE);
    private final ByteBuffer from = direct(SOCKADDR_IN_SIZE);
    private final ByteBuffer fromLength = direct(4);
    private final ByteBuffer pollFd = direct(POLLFD_SIZE);
    private boolean closed;

    private IcmpSocket(int fd, String what) {
        this.fd = fd;
        this.what = what;
    }

    /**
     * A raw ICMP socket on {@code device} sending from {@code source}, which must be an address of the device:
     * echo requests out, every ICMP packet the device receives in (with its IPv4 header). Needs CAP_NET_RAW.
     */
    static IcmpSocket open(String device, Ipv4Address source) {
        String what = "ICMP socket on " + device;
        int fd = LIBC.socket(Native.AF_INET, Native.SOCK_RAW | Native.SOCK_CLOEXEC, IPPROTO_ICMP);
        if (fd < 0) {
            throw failure("cannot open " + what, Native.errno());
        }
        IcmpSocket s = new IcmpSocket(fd, what);
        try {
            // The name, NUL-terminated; IFNAMSIZ (16) bytes at most.
            byte[] name = device.getBytes(StandardCharsets.US_ASCII);
            ByteBuffer value = direct(name.length + 1).put(name).put((byte) 0).flip();
            s.option(Native.SO_BINDTODEVICE, value, "SO_BINDTODEVICE");
            s.bind(source);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void option(int name, ByteBuffer value, String text) {
        int rc = LIBC.setsockopt(fd, Native.SOL_SOCKET, name, value, value.remaining());
        Reference.reachabilityFence(value);
        if (rc != 0) {
            throw failure(what + ": setsockopt(" + text + ")", Native.errno());
        }
    }

    private void bind(Ipv4Address address) {
        ByteBuffer sockaddr = direct(SOCKADDR_IN_SIZE);
        sockaddrIn(sockaddr, address);
        int rc = LIBC.bind(fd, sockaddr, SOCKADDR_IN_SIZE);
        Reference.reachabilityFence(sockaddr);
        if (rc != 0) {
            throw failure(what + ": bind(" + address + ")", Native.errno());
        }
    }

    /** Sends the ICMP message {@code data} to {@code destination}. */
    void send(Ipv4Address destination, byte[] data) {
        sendBuffer.clear();
        sendBuffer.put(data).flip();
        sockaddrIn(to, destination);
        long sent = LIBC.sendto(fd, sendBuffer, data.length, 0, to, SOCKADDR_IN_SIZE);
        Reference.reachabilityFence(sendBuffer);
        Reference.reachabilityFence(to);
        if (sent < 0) {
            throw failure(what + ": send to " + destination, Native.errno());
        }
    }

    /** The next ICMP packet received before {@code deadline}, with its IPv4 header, or empty once it has passed. */
    Optional<byte[]> receive(Deadline deadline) {
        while (true) {
            long waitMillis = deadline.remainingMillis();
            if (waitMillis <= 0 || !readable((int) Math.min(waitMillis, Integer.MAX_VALUE))) {
                if (deadline.passed()) {
                    return Optional.empty();
                }
                continue;
            }
            fromLength.putInt(0, SOCKADDR_IN_SIZE);
            long n = LIBC.recvfrom(fd, receiveBuffer, MAX_DATAGRAM, 0, from, fromLength);
            Reference.reachabilityFence(receiveBuffer);
            Reference.reachabilityFence(from);
            Reference.reachabilityFence(fromLength);
            if (n < 0) {
                int errno = Native.errno();
                if (errno == Errno.EINTR.number() || errno == Errno.EAGAIN.number()) {
                    continue;
                }
                throw failure(what + ": receive", errno);
            }
            byte[] data = new byte[(int) n];
            receiveBuffer.get(0, data);
            return Optional.of(data);
        }
    }

    private boolean readable(int timeoutMillis) {
        pollFd.putInt(0, fd);
        pollFd.putShort(4, (short) Native.POLLIN);
        pollFd.putShort(6, (short) 0);
        int rc = LIBC.poll(pollFd, 1, timeoutMillis);
        Reference.reachabilityFence(pollFd);
        if (rc < 0) {
            int errno = Native.errno();
            if (errno == Errno.EINTR.number()) {
                return false;
            }
            throw failure(what + ": poll", errno);
        }
        return rc > 0 && (pollFd.getShort(6) & Native.POLLIN) != 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LIBC.close(fd);
        }
    }

    /** struct sockaddr_in: the family in host order, the address in network order; no port for raw sockets. */
    private static void sockaddrIn(ByteBuffer b, Ipv4Address address) {
        b.order(ByteOrder.nativeOrder()).putShort(0, (short) Native.AF_INET);
        b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) 0).putInt(4, address.value()).putLong(8, 0);
    }

    private static ByteBuffer direct(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    private static UncheckedIOException failure(String what, int errno) {
        return new UncheckedIOException(new IOException(what + ": " + Native.strerror(errno) + " (errno " + errno + ")"));
    }

    @Override
    public String toString() {
        return "IcmpSocket[" + what + ", fd " + fd + "]";
    }
}
