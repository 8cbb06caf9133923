package io.vmnetd.daemon.probe;

import static io.vmnetd.daemon.probe.ProbeLibC.libc;

import io.vmnetd.daemon.probe.net.Datagrams;
import io.vmnetd.daemon.probe.net.Deadline;
import io.vmnetd.daemon.probe.net.Ipv4Address;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An AF_INET socket of the calling thread's network namespace, bound to one interface (SO_BINDTODEVICE), so that
 * it sends out of that interface whatever its routes say (the probe's namespace has none) and receives only what
 * arrived there. The kernel does the rest: Ethernet, ARP for the next hop, IP headers. Not thread-safe: one exchange
 * at a time uses it.
 */
final class InetSocket implements Datagrams {
    private static final int SOCKADDR_IN_SIZE = 16;
    private static final int MAX_DATAGRAM = 65536;
    private static final int POLLFD_SIZE = 8;

    private final int fd;
    private final String what;
    private final ByteBuffer sendBuffer = direct(MAX_DATAGRAM);
    private final ByteBuffer receiveBuffer = direct(MAX_DATAGRAM);
    private final ByteBuffer to = direct(SOCKADDR_IN_SIZE);
    private final ByteBuffer from = direct(SOCKADDR_IN_SIZE);
    private final ByteBuffer fromLength = direct(4);
    private final ByteBuffer pollFd = direct(POLLFD_SIZE);
    private boolean closed;

    private InetSocket(int fd, String what) {
        this.fd = fd;
        this.what = what;
    }

    /**
     * A UDP socket on {@code device} bound to 0.0.0.0:{@code port} that may send to the broadcast address: a DHCP
     * client's before it has an address. Binding a port under 1024 needs CAP_NET_BIND_SERVICE.
     */
    static InetSocket udp(String device, int port) {
        InetSocket s = open(ProbeLibC.SOCK_DGRAM, 0, device, "UDP socket on " + device);
        try {
            s.option(ProbeLibC.SO_BROADCAST, intValue(1), "SO_BROADCAST");
            s.bind(Ipv4Address.ANY, port);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * A raw ICMP socket on {@code device} sending from {@code source}, which must be an address of the device:
     * echo requests out, every ICMP packet the device receives in (with its IPv4 header). Needs CAP_NET_RAW.
     */
    static InetSocket icmp(String device, Ipv4Address source) {
        InetSocket s = open(ProbeLibC.SOCK_RAW, ProbeLibC.IPPROTO_ICMP, device, "ICMP socket on " + device);
        try {
            s.bind(source, 0);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static InetSocket open(int type, int protocol, String device, String what) {
        int fd = libc().socket(ProbeLibC.AF_INET, type | ProbeLibC.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw failure("cannot open " + what, ProbeLibC.errno());
        }
        InetSocket s = new InetSocket(fd, what);
        try {
            // The name, NUL-terminated; IFNAMSIZ (16) bytes at most.
            byte[] name = device.getBytes(StandardCharsets.US_ASCII);
            ByteBuffer value = direct(name.length + 1).put(name).put((byte) 0).flip();
            s.option(ProbeLibC.SO_BINDTODEVICE, value, "SO_BINDTODEVICE");
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void option(int name, ByteBuffer value, String text) {
        int rc = libc().setsockopt(fd, ProbeLibC.SOL_SOCKET, name, value, value.remaining());
        Reference.reachabilityFence(value);
        if (rc != 0) {
            throw failure(what + ": setsockopt(" + text + ")", ProbeLibC.errno());
        }
    }

    private void bind(Ipv4Address address, int port) {
        ByteBuffer sockaddr = direct(SOCKADDR_IN_SIZE);
        sockaddrIn(sockaddr, address, port);
        int rc = libc().bind(fd, sockaddr, SOCKADDR_IN_SIZE);
        Reference.reachabilityFence(sockaddr);
        if (rc != 0) {
            throw failure(what + ": bind(" + address + ":" + port + ")", ProbeLibC.errno());
        }
    }

    @Override
    public void send(Ipv4Address destination, int port, byte[] data) {
        sendBuffer.clear();
        sendBuffer.put(data).flip();
        sockaddrIn(to, destination, port);
        long sent = libc().sendto(fd, sendBuffer, data.length, 0, to, SOCKADDR_IN_SIZE);
        Reference.reachabilityFence(sendBuffer);
        Reference.reachabilityFence(to);
        if (sent < 0) {
            throw failure(what + ": send to " + destination, ProbeLibC.errno());
        }
    }

    @Override
    public Optional<Datagram> receive(Deadline deadline) {
        while (true) {
            long waitMillis = deadline.remainingMillis();
            if (waitMillis <= 0 || !readable((int) Math.min(waitMillis, Integer.MAX_VALUE))) {
                if (deadline.passed()) {
                    return Optional.empty();
                }
                continue;
            }
            fromLength.putInt(0, SOCKADDR_IN_SIZE);
            long n = libc().recvfrom(fd, receiveBuffer, MAX_DATAGRAM, 0, from, fromLength);
            Reference.reachabilityFence(receiveBuffer);
            Reference.reachabilityFence(from);
            Reference.reachabilityFence(fromLength);
            if (n < 0) {
                int errno = ProbeLibC.errno();
                if (errno == ProbeLibC.EINTR || errno == ProbeLibC.EAGAIN) {
                    continue;
                }
                throw failure(what + ": receive", errno);
            }
            byte[] data = new byte[(int) n];
            receiveBuffer.get(0, data);
            return Optional.of(new Datagram(new Ipv4Address(from.order(ByteOrder.BIG_ENDIAN).getInt(4)), data));
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
            throw failure(what + ": poll", errno);
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

    /** struct sockaddr_in: the family in host order, port and address in network order. */
    private static void sockaddrIn(ByteBuffer b, Ipv4Address address, int port) {
        b.order(ByteOrder.nativeOrder()).putShort(0, (short) ProbeLibC.AF_INET);
        b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port).putInt(4, address.value()).putLong(8, 0);
    }

    private static ByteBuffer intValue(int value) {
        return direct(4).putInt(0, value);
    }

    private static ByteBuffer direct(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    private static UncheckedIOException failure(String what, int errno) {
        return new UncheckedIOException(new IOException(what + ": " + ProbeLibC.describe(errno)));
    }

    @Override
    public String toString() {
        return "InetSocket[" + what + ", fd " + fd + "]";
    }
}
