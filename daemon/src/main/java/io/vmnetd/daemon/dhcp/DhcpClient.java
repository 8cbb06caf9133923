package io.vmnetd.daemon.dhcp;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;

/**
 * The exchanges of a DHCP client (RFC 2131) over one {@link Transport}: obtaining a lease (DISCOVER, OFFER,
 * REQUEST, ACK), renewing it with its server (unicast) or rebinding it with any (broadcast), and releasing it; or
 * a DISCOVER alone, whose OFFER tells subnet and router without taking a lease (the connectivity probe's). Each call
 * is one exchange: the request is sent again after each wait of the {@link Backoff} (its {@code secs} counting up)
 * until a reply comes or the exchange's {@code patience} runs out. When to call which is the caller's
 * ({@link LeaseKeeper}). Not thread-safe.
 */
public final class DhcpClient {
    /** Answers to a REQUEST. */
    public sealed interface Answer {
        /** ACK: the lease, bound now. */
        record Bound(DhcpLease lease) implements Answer {}

        /** NAK: the address is not ours any more; start over. */
        record Refused(String message) implements Answer {}

        /** No server answered. */
        record Silent() implements Answer {}
    }

    private static final byte[] PARAMETERS = {DhcpMessage.OPT_SUBNET_MASK, DhcpMessage.OPT_ROUTER,
            DhcpMessage.OPT_LEASE_TIME, DhcpMessage.OPT_SERVER_ID, DhcpMessage.OPT_RENEWAL_TIME,
            DhcpMessage.OPT_REBINDING_TIME};

    private final Transport transport;
    private final byte[] mac;
    private final Optional<byte[]> clientId;
    private final Clock clock;
    private final RandomGenerator random;
    private final Backoff backoff;
    private final Duration patience;
    private int sent;

    /**
     * @param clientId option 61, so that a server tells this interface's lease from those of the node's other VLAN
     *     interfaces, which share the bridge's MAC; empty: the server knows the client by its MAC (chaddr)
     * @param backoff the waits for a reply before the request is sent again
     * @param patience how long one exchange goes on before it gives up: silence
     */
    public DhcpClient(Transport transport, byte[] mac, Optional<byte[]> clientId, Clock clock, Backoff backoff,
                      Duration patience) {
        this.transport = transport;
        this.mac = mac.clone();
        this.clientId = clientId.map(byte[]::clone);
        this.clock = clock;
        this.random = new SecureRandom();
        this.backoff = backoff;
        this.patience = patience;
    }

    /** How many messages this client has sent so far (first sends and retransmissions). */
    public int sent() {
        return sent;
    }

    /**
     * DISCOVER, then REQUEST of the first OFFER: a lease, NAK, or silence. {@code preferred}: an address to ask
     * for (the one the interface holds from before a restart).
     */
    public Answer obtain(Optional<Inet4Address> preferred) throws IOException {
        Instant began = clock.instant();
        Optional<DhcpMessage> offer = discover(preferred, began);
        if (offer.isEmpty()) {
            return new Answer.Silent();
        }
        Optional<Inet4Address> server = offer.get().addressOption(DhcpMessage.OPT_SERVER_ID);
        if (server.isEmpty()) {
            return new Answer.Refused("the OFFER names no server (option 54)");
        }
        Map<Integer, byte[]> request = common();
        request.put(DhcpMessage.OPT_REQUESTED_ADDRESS, offer.get().yiaddr().getAddress());
        request.put(DhcpMessage.OPT_SERVER_ID, server.get().getAddress());
        int xid = offer.get().xid();
        return request(DhcpMessage.request(DhcpMessage.Type.REQUEST, xid, DhcpMessage.FLAG_BROADCAST, DhcpMessage.ANY,
                mac, request), DhcpMessage.BROADCAST, xid, began);
    }

    /**
     * DISCOVER alone: the first OFFER, which binds nothing (a connectivity probe learns subnet and router from it
     * without taking a lease).
     */
    public Optional<DhcpMessage> discover(Optional<Inet4Address> preferred) throws IOException {
        return discover(preferred, clock.instant());
    }

    private Optional<DhcpMessage> discover(Optional<Inet4Address> preferred, Instant began) throws IOException {
        int xid = random.nextInt();
        Map<Integer, byte[]> discover = common();
        preferred.ifPresent(a -> discover.put(DhcpMessage.OPT_REQUESTED_ADDRESS, a.getAddress()));
        return exchange(DhcpMessage.request(DhcpMessage.Type.DISCOVER, xid, DhcpMessage.FLAG_BROADCAST,
                DhcpMessage.ANY, mac, discover), DhcpMessage.BROADCAST, xid, began, DhcpMessage.Type.OFFER);
    }

    /** RENEWING: REQUEST to the lease's server, from the leased address. */
    public Answer renew(DhcpLease lease) throws IOException {
        int xid = random.nextInt();
        return request(DhcpMessage.request(DhcpMessage.Type.REQUEST, xid, 0, lease.address(), mac, common()),
                lease.server(), xid, clock.instant());
    }

    /** REBINDING: REQUEST to any server, broadcast, from the leased address. */
    public Answer rebind(DhcpLease lease) throws IOException {
        int xid = random.nextInt();
        return request(DhcpMessage.request(DhcpMessage.Type.REQUEST, xid, 0, lease.address(), mac, common()),
                DhcpMessage.BROADCAST, xid, clock.instant());
    }

    /** RELEASE to the lease's server; there is no answer to wait for. */
    public void release(DhcpLease lease) throws IOException {
        Map<Integer, byte[]> o = new LinkedHashMap<>();
        o.put(DhcpMessage.OPT_SERVER_ID, lease.server().getAddress());
        clientId.ifPresent(id -> o.put(DhcpMessage.OPT_CLIENT_ID, id));
        transport.send(DhcpMessage.request(DhcpMessage.Type.RELEASE, random.nextInt(), 0, lease.address(), mac, o),
                lease.server());
        sent++;
    }

    private Map<Integer, byte[]> common() {
        Map<Integer, byte[]> o = new LinkedHashMap<>();
        clientId.ifPresent(id -> o.put(DhcpMessage.OPT_CLIENT_ID, id));
        o.put(DhcpMessage.OPT_PARAMETERS, PARAMETERS);
        return o;
    }

    private Answer request(DhcpMessage request, Inet4Address to, int xid, Instant began) throws IOException {
        Instant sent = clock.instant();
        Optional<DhcpMessage> reply = exchange(request, to, xid, began, DhcpMessage.Type.ACK, DhcpMessage.Type.NAK);
        if (reply.isEmpty()) {
            return new Answer.Silent();
        }
        DhcpMessage m = reply.get();
        if (m.type().orElseThrow() == DhcpMessage.Type.NAK) {
            return new Answer.Refused(m.option(DhcpMessage.OPT_MESSAGE).map(b -> new String(b,
                    java.nio.charset.StandardCharsets.US_ASCII)).orElse("NAK"));
        }
        return lease(m, request.ciaddr().equals(DhcpMessage.ANY) ? Optional.empty() : Optional.of(request.ciaddr()),
                sent);
    }

    /** The lease an ACK grants; times count from when the REQUEST was sent (RFC 2131 4.4.1). */
    private Answer lease(DhcpMessage ack, Optional<Inet4Address> renewed, Instant sent) {
        Inet4Address address = ack.yiaddr().equals(DhcpMessage.ANY) ? renewed.orElse(DhcpMessage.ANY) : ack.yiaddr();
        Optional<Inet4Address> server = ack.addressOption(DhcpMessage.OPT_SERVER_ID);
        if (address.equals(DhcpMessage.ANY) || server.isEmpty()) {
            return new Answer.Refused("the ACK names no address or no server");
        }
        int prefix;
        try {
            prefix = ack.addressOption(DhcpMessage.OPT_SUBNET_MASK).map(DhcpClient::prefixLength)
                    .orElse(classfulLength(address));
        } catch (IllegalArgumentException e) {
            return new Answer.Refused("the ACK's " + e.getMessage());
        }
        OptionalInt seconds = ack.secondsOption(DhcpMessage.OPT_LEASE_TIME);
        Optional<Duration> time = seconds.isEmpty() || seconds.getAsInt() == -1 ? Optional.empty()
                : Optional.of(Duration.ofSeconds(Integer.toUnsignedLong(seconds.getAsInt())));
        Duration whole = time.orElse(Duration.ofDays(365_000));
        Duration t1 = seconds(ack.secondsOption(DhcpMessage.OPT_RENEWAL_TIME)).orElse(whole.dividedBy(2));
        Duration t2 = seconds(ack.secondsOption(DhcpMessage.OPT_REBINDING_TIME)).orElse(whole.multipliedBy(7)
                .dividedBy(8));
        return new Answer.Bound(new DhcpLease(address, prefix, ack.addressOption(DhcpMessage.OPT_ROUTER),
                server.get(), time, t1, t2, sent));
    }

    private static Optional<Duration> seconds(OptionalInt s) {
        return s.isPresent() ? Optional.of(Duration.ofSeconds(Integer.toUnsignedLong(s.getAsInt()))) : Optional.empty();
    }

    /**
     * Sends {@code m}, again after each wait of the backoff, until a reply of one of {@code types} to {@code xid}
     * comes or the patience runs out. Each send's {@code secs} counts from {@code began}, when the client began
     * acquiring or renewing (RFC 2131 table 5); servers and relays may use it to tell a client that waits long.
     */
    private Optional<DhcpMessage> exchange(DhcpMessage m, Inet4Address to, int xid, Instant began,
                                           DhcpMessage.Type... types) throws IOException {
        Instant giveUp = clock.instant().plus(patience);
        for (int attempt = 0; clock.instant().isBefore(giveUp); attempt++) {
            Instant now = clock.instant();
            transport.send(m.withSecs((int) Duration.between(began, now).toSeconds()), to);
            sent++;
            Instant resend = earlier(now.plus(backoff.delay(attempt)), giveUp);
            while (true) {
                Duration left = Duration.between(clock.instant(), resend);
                if (left.isNegative() || left.isZero()) {
                    break;
                }
                Optional<DhcpMessage> reply = transport.receive(left);
                if (reply.isEmpty()) {
                    break;
                }
                DhcpMessage r = reply.get();
                if (r.xid() == xid && Arrays.equals(r.chaddr(), mac) && r.type().isPresent()
                        && List.of(types).contains(r.type().get())) {
                    return reply;
                }
            }
        }
        return Optional.empty();
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    static int prefixLength(Inet4Address mask) {
        int bits = ByteBuffer.wrap(mask.getAddress()).getInt();
        int length = Integer.bitCount(bits);
        if (length == 0 || bits != -1 << (32 - length)) {
            throw new IllegalArgumentException("subnet mask " + mask.getHostAddress() + " is not contiguous");
        }
        return length;
    }

    /** RFC 2131 leaves a lease without a subnet mask to the address's class. */
    static int classfulLength(Inet4Address a) {
        int first = a.getAddress()[0] & 0xff;
        return first < 128 ? 8 : first < 192 ? 16 : 24;
    }
}
