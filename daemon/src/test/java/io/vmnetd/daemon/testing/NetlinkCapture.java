package io.vmnetd.daemon.testing;

import io.vmnetd.netlink.testing.Shell;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's own count of netlink requests: an {@code nlmon} device in the node's namespace (the kernel copies
 * every netlink message of that namespace to it) captured by {@code tcpdump -w}, then read from the pcap file.
 * Independent of vmnetd: tcpdump and the kernel decide what was sent, this class only parses the file.
 *
 * <p>Each captured packet is one datagram with a 16-byte cooked header (packet type, ARPHRD_NETLINK, protocol =
 * the netlink family) and then one or more netlink messages. The packet type does not tell the direction (nlmon
 * transmits every copy, so all read PACKET_OUTGOING, as seen in the lab); a message sent to the kernel is told by
 * NLM_F_REQUEST, which the kernel never sets on its answers and notifications. A request is one such message, so
 * several requests batched into one sendmsg count as several.
 */
public final class NetlinkCapture implements AutoCloseable {
    /** Linux's nlmon cooked header: packet type, ARPHRD, address length, address (8), protocol. */
    private static final int COOKED_HEADER = 16;
    private static final int NLM_F_REQUEST = 0x1;
    private static final int NLMSG_MIN_TYPE = 16;
    private static final int NETLINK_ROUTE = 0;
    private static final int LINKTYPE_NETLINK = 253;

    /** One netlink message sent to the kernel: its type (RTM_NEWLINK = 16...) and flags. */
    public record Request(int type, int flags) {}

    private final String device;
    private final Path file;
    private final Process tcpdump;

    private NetlinkCapture(String device, Path file, Process tcpdump) {
        this.device = device;
        this.file = file;
        this.tcpdump = tcpdump;
    }

    /** Makes nlmon device {@code device} in this namespace and starts capturing on it. */
    public static NetlinkCapture start(String device, Path dir) {
        Shell.check("ip", "link", "add", device, "type", "nlmon");
        Shell.check("ip", "link", "set", device, "up");
        Path file = dir.resolve(device + ".pcap");
        try {
            Files.deleteIfExists(file);
            Process p = new ProcessBuilder("tcpdump", "-Z", "root", "-i", device, "-U", "-w", file.toString())
                    .redirectErrorStream(true).start();
            NetlinkCapture capture = new NetlinkCapture(device, file, p);
            // tcpdump says "listening on" before it captures; with -w that line goes to stderr (merged above).
            java.io.BufferedReader said = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            String line = said.readLine();
            if (line == null || !line.contains("listening on")) {
                capture.close();
                throw new AssertionError("tcpdump did not start on " + device + ": " + line);
            }
            return capture;
        } catch (IOException e) {
            Shell.run("ip", "link", "del", device);
            throw new IllegalStateException("cannot run tcpdump: " + e.getMessage(), e);
        }
    }

    /** Stops tcpdump and returns the rtnetlink requests it saw sent to the kernel, in order. */
    public List<Request> stop() {
        stopTcpdump();
        try {
            return routeRequests(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void stopTcpdump() {
        if (!tcpdump.isAlive()) {
            return;
        }
        tcpdump.destroy(); // SIGTERM: tcpdump flushes and closes the file
        try {
            if (!tcpdump.waitFor(30, TimeUnit.SECONDS)) {
                tcpdump.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Parses a pcap file of an nlmon device. */
    static List<Request> routeRequests(byte[] pcap) {
        ByteBuffer b = ByteBuffer.wrap(pcap);
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4) {
            b.order(ByteOrder.BIG_ENDIAN);
            if (b.getInt(0) != 0xa1b2c3d4) {
                throw new IllegalArgumentException("not a pcap file (magic " + Integer.toHexString(magic) + ")");
            }
        }
        int linkType = b.getInt(20);
        if (linkType != LINKTYPE_NETLINK) {
            throw new IllegalArgumentException("not a netlink capture: link type " + linkType);
        }
        List<Request> out = new ArrayList<>();
        int at = 24;
        while (at + 16 <= pcap.length) {
            int captured = b.getInt(at + 8);
            int packet = at + 16;
            at = packet + captured;
            if (at > pcap.length) {
                break; // the last record was cut short by the stop
            }
            ByteBuffer p = ByteBuffer.wrap(pcap, packet, captured).slice().order(ByteOrder.BIG_ENDIAN);
            int protocol = Short.toUnsignedInt(p.getShort(14));
            if (protocol != NETLINK_ROUTE) {
                continue;
            }
            p.order(ByteOrder.nativeOrder());
            int m = COOKED_HEADER;
            while (m + 16 <= captured) {
                int length = p.getInt(m);
                int type = Short.toUnsignedInt(p.getShort(m + 4));
                int flags = Short.toUnsignedInt(p.getShort(m + 6));
                if ((flags & NLM_F_REQUEST) != 0 && type >= NLMSG_MIN_TYPE) {
                    out.add(new Request(type, flags));
                }
                if (length < 16) {
                    break;
                }
                m += (length + 3) & ~3;
            }
        }
        return out;
    }

    @Override
    public void close() {
        stopTcpdump();
        Shell.run("ip", "link", "del", device);
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover capture file in the test's directory
        }
    }
}
