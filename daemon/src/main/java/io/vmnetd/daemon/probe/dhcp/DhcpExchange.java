package io.vmnetd.daemon.probe.dhcp;

import io.vmnetd.daemon.probe.net.Backoff;
import io.vmnetd.daemon.probe.net.Deadline;
import io.vmnetd.daemon.probe.net.EthernetFrame;
import io.vmnetd.daemon.probe.net.FrameChannel;
import io.vmnetd.daemon.probe.net.Ipv4Address;
import io.vmnetd.daemon.probe.net.Ipv4Packet;
import io.vmnetd.netlink.MacAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * One client transaction of DHCP before the client has an address: a message broadcast from 0.0.0.0:68 and sent
 * again with backoff until a server's reply of an expected type for its xid and MAC arrives, or the deadline
 * passes. DISCOVER/OFFER is one such transaction, REQUEST/ACK another: a full client builds on this.
 */
public final class DhcpExchange {
    public static final int CLIENT_PORT = 68;
    public static final int SERVER_PORT = 67;

    private final FrameChannel channel;
    private final MacAddress mac;
    private int sent;

    /**
     * A server's reply and where it came from.
     *
     * @param serverMac the frame's source: the server, or the relay that forwarded its reply
     */
    public record Reply(DhcpMessage message, MacAddress serverMac, Ipv4Address sourceAddress) {}

    public DhcpExchange(FrameChannel channel, MacAddress mac) {
        this.channel = channel;
        this.mac = mac;
    }

    /** How many messages this exchange has sent so far (first sends and retransmissions). */
    public int sent() {
        return sent;
    }

    /**
     * Broadcasts {@code request} and re-sends it (its {@code secs} updated) after each {@link Backoff#delay} until a
     * reply of one of the {@code accepted} types answers it, or {@code deadline} passes.
     */
    public Optional<Reply> transact(DhcpMessage request, Set<DhcpMessageType> accepted, Backoff backoff,
                                    Deadline deadline) {
        if (!request.clientMac().equals(mac) || request.op() != DhcpMessage.BOOTREQUEST) {
            throw new IllegalArgumentException("not this client's request: " + request);
        }
        long started = System.nanoTime();
        for (int attempt = 0; !deadline.passed(); attempt++) {
            int secs = (int) Duration.ofNanos(System.nanoTime() - started).toSeconds();
            channel.send(frame(request.withSecs(secs)));
            sent++;
            Deadline resend = deadline.within(backoff.delay(attempt));
            Optional<Reply> reply = awaitReply(request.xid(), accepted, resend);
            if (reply.isPresent()) {
                return reply;
            }
        }
        return Optional.empty();
    }

    private byte[] frame(DhcpMessage message) {
        Ipv4Packet ip = Ipv4Packet.udp(Ipv4Address.ANY, CLIENT_PORT, Ipv4Address.BROADCAST, SERVER_PORT,
                message.encode());
        return new EthernetFrame(EthernetFrame.BROADCAST, mac, EthernetFrame.IPV4, ip.encode()).encode();
    }

    private Optional<Reply> awaitReply(int xid, Set<DhcpMessageType> accepted, Deadline until) {
        while (true) {
            Optional<byte[]> frame = channel.receive(until);
            if (frame.isEmpty()) {
                return Optional.empty();
            }
            Optional<Reply> reply = decode(frame.get()).filter(r -> r.message().op() == DhcpMessage.BOOTREPLY
                    && r.message().xid() == xid && r.message().clientMac().equals(mac)
                    && r.message().type().filter(accepted::contains).isPresent());
            if (reply.isPresent()) {
                return reply;
            }
        }
    }

    private static Optional<Reply> decode(byte[] bytes) {
        Optional<EthernetFrame> frame = EthernetFrame.decode(bytes).filter(f -> f.etherType() == EthernetFrame.IPV4);
        Optional<Ipv4Packet> ip = frame.flatMap(f -> Ipv4Packet.decode(f.payload()));
        return ip.flatMap(p -> p.udpDataTo(CLIENT_PORT)).flatMap(DhcpMessage::decode)
                .map(m -> new Reply(m, frame.get().source(), ip.get().source()));
    }
}
