package io.vmnetd.daemon.probe.dhcp;

import io.vmnetd.daemon.probe.net.Backoff;
import io.vmnetd.daemon.probe.net.Deadline;
import io.vmnetd.daemon.probe.net.Datagrams;
import io.vmnetd.daemon.probe.net.Ipv4Address;
import io.vmnetd.netlink.MacAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * One client transaction of DHCP before the client has an address: a message broadcast from 0.0.0.0:68 and sent
 * again with backoff until a server's reply of an expected type for its xid and MAC arrives, or the deadline
 * passes. DISCOVER/OFFER is one such transaction, REQUEST/ACK another: a full client builds on this. It talks
 * through a UDP socket bound to port 68 of the client's interface; the request's broadcast flag makes servers
 * broadcast their replies, the only IP that an interface without an address takes in.
 */
public final class DhcpExchange {
    public static final int CLIENT_PORT = 68;
    public static final int SERVER_PORT = 67;

    private final Datagrams channel;
    private final MacAddress mac;
    private int sent;

    /**
     * A server's reply and where it came from.
     *
     * @param sourceAddress the datagram's source: the server, or the relay that forwarded its reply
     */
    public record Reply(DhcpMessage message, Ipv4Address sourceAddress) {}

    /** {@code channel} must be bound to {@link #CLIENT_PORT} and allowed to broadcast. */
    public DhcpExchange(Datagrams channel, MacAddress mac) {
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
            channel.send(Ipv4Address.BROADCAST, SERVER_PORT, request.withSecs(secs).encode());
            sent++;
            Deadline resend = deadline.within(backoff.delay(attempt));
            Optional<Reply> reply = awaitReply(request.xid(), accepted, resend);
            if (reply.isPresent()) {
                return reply;
            }
        }
        return Optional.empty();
    }

    private Optional<Reply> awaitReply(int xid, Set<DhcpMessageType> accepted, Deadline until) {
        while (true) {
            Optional<Datagrams.Datagram> datagram = channel.receive(until);
            if (datagram.isEmpty()) {
                return Optional.empty();
            }
            Optional<Reply> reply = DhcpMessage.decode(datagram.get().data())
                    .filter(m -> m.op() == DhcpMessage.BOOTREPLY && m.xid() == xid && m.clientMac().equals(mac)
                            && m.type().filter(accepted::contains).isPresent())
                    .map(m -> new Reply(m, datagram.get().source()));
            if (reply.isPresent()) {
                return reply;
            }
        }
    }
}
