package io.vmnetd.daemon.dhcp;

import io.vmnetd.netlink.sys.Errno;
import io.vmnetd.netlink.sys.LibC;
import io.vmnetd.netlink.sys.Native;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The DHCP client's socket on one interface: an ordinary AF_INET UDP socket on port 68, bound to the device
 * (SO_BINDTODEVICE) so that it sends out of and hears only that interface, allowed to broadcast (SO_BROADCAST).
 * No AF_PACKET and no raw socket: a client without an address asks for broadcast replies (the BOOTP broadcast flag),
 * which the kernel delivers to this socket like any other limited broadcast. Port 68 needs CAP_NET_BIND_SERVICE.
 */
public final class DhcpSocket implements Transport {
    private static final int SO_REUSEADDR = 2;
    private static final int SO_BROADCAST = 6;
    private static final int SOCKADDR_IN = 16;
    private static final int MAX_MESSAGE = 1500;
    private static final long POLL_SLICE_MILLIS = 250;

    private final LibC libc = Native.libc();
    private final int fd;
    private final String device;
    private final ByteBuffer in = Native.direct(MAX_MESSAGE);

    private DhcpSocket(int fd, String device) {
        this.fd = fd;
        this.device = device;
    }

    /** A socket on {@code device}, bound to 0.0.0.0:68. */
    public static DhcpSocket open(String device) throws IOException {
        LibC libc = Native.libc();
        int fd = libc.socket(Native.AF_INET, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw failure("socket(AF_INET, SOCK_DGRAM)", device);
        }
        DhcpSocket s = new DhcpSocket(fd, device);
        try {
            // The device first: sockets on port 68 of different devices do not conflict, one of any device would.
            byte[] name = (device + "\0").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer nameBuffer = Native.direct(name.length).put(name);
            s.option(Native.SO_BINDTODEVICE, nameBuffer.flip(), name.length, "SO_BINDTODEVICE");
            s.option(SO_REUSEADDR, Native.intBuffer(1), 4, "SO_REUSEADDR");
            s.option(SO_BROADCAST, Native.intBuffer(1), 4, "SO_BROADCAST");
            if (libc.bind(fd, sockaddr(DhcpMessage.ANY, DhcpMessage.CLIENT_PORT), SOCKADDR_IN) < 0) {
                throw failure("bind(0.0.0.0:68)", device);
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void option(int name, ByteBuffer value, int length, String what) throws IOException {
        if (libc.setsockopt(fd, Native.SOL_SOCKET, name, value, length) < 0) {
            throw failure(what, device);
        }
    }

    @Override
    public void send(DhcpMessage message, Inet4Address to) throws IOException {
        byte[] data = message.encode();
        ByteBuffer out = Native.direct(data.length).put(data).flip();
        if (libc.sendto(fd, out, data.length, 0, sockaddr(to, DhcpMessage.SERVER_PORT), SOCKADDR_IN) < 0) {
            throw failure("sendto(" + to.getHostAddress() + ":67)", device);
        }
    }

    /** The next DHCP reply within {@code timeout}; datagrams that are not one are skipped. */
    @Override
    public Optional<DhcpMessage> receive(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return Optional.empty();
            }
            if (Thread.interrupted()) {
                throw new java.io.InterruptedIOException("DHCP on " + device + " stopped");
            }
            ByteBuffer pollfd = Native.direct(8);
            pollfd.putInt(0, fd).putShort(4, (short) Native.POLLIN);
            // In slices, so that a keeper told to stop (interrupted) notices within a quarter second.
            int ready = libc.poll(pollfd, 1, (int) Math.min(left, POLL_SLICE_MILLIS));
            if (ready < 0 && Native.errno() != Errno.EINTR.number()) {
                throw failure("poll", device);
            }
            if (ready <= 0) {
                continue;
            }
            ByteBuffer from = Native.direct(SOCKADDR_IN);
            long n = libc.recvfrom(fd, in, MAX_MESSAGE, Native.MSG_DONTWAIT, from, Native.intBuffer(SOCKADDR_IN));
            if (n < 0) {
                int errno = Native.errno();
                if (errno == Errno.EAGAIN.number() || errno == Errno.EINTR.number()) {
                    continue;
                }
                throw failure("recvfrom", device);
            }
            byte[] data = new byte[(int) n];
            in.get(0, data);
            try {
                DhcpMessage m = DhcpMessage.decode(data, data.length);
                if (m.op() == DhcpMessage.BOOTREPLY) {
                    return Optional.of(m);
                }
            } catch (IllegalArgumentException e) {
                // not a DHCP reply: someone else's datagram to port 68
            }
        }
    }

    /** struct sockaddr_in: the family in host order, port and address in network order. */
    private static ByteBuffer sockaddr(Inet4Address address, int port) {
        ByteBuffer b = Native.direct(SOCKADDR_IN);
        b.putShort(0, (short) Native.AF_INET);
        b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port).put(4, address.getAddress());
        return b.order(ByteOrder.nativeOrder());
    }

    private static IOException failure(String call, String device) {
        int errno = Native.errno();
        return new IOException(call + " for DHCP on " + device + ": " + Native.strerror(errno) + " (errno " + errno
                + ")");
    }

    @Override
    public void close() {
        libc.close(fd);
    }
}
