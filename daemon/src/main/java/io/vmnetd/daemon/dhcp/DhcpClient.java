package io.vmnetd.daemon.dhcp;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;

/**
 * The exchanges of a DHCP client (RFC 2131) over one {@link Transport}: obtaining a lease (DISCOVER, OFFER,
 * REQUEST, ACK), renewing it with its server (unicast) or rebinding it with any (broadcast), and releasing it. Each
 * call is one exchange with retries; when to call which is the caller's ({@link LeaseKeeper}). Not thread-safe.
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
    private final byte[] clientId;
    private final Clock clock;
    private final RandomGenerator random;
    private final Duration firstWait;
    private final int attempts;

    /**
     * @param clientId option 61, so that a server tells this interface's lease from those of the node's other VLAN
     *     interfaces, which share the bridge's MAC
     * @param firstWait the wait for a reply to the first try; doubled on each of the {@code attempts}
     */
    public DhcpClient(Transport transport, byte[] mac, byte[] clientId, Clock clock, Duration firstWait, int attempts) {
        this.transport = transport;
        this.mac = mac.clone();
        this.clientId = clientId.clone();
        this.clock = clock;
        this.random = new SecureRandom();
        this.firstWait = firstWait;
        this.attempts = attempts;
    }

    /**
     * DISCOVER, then REQUEST of the first OFFER: a lease, NAK, or silence. {@code preferred}: an address to ask
     * for (the one the interface holds from before a restart).
     */
    public Answer obtain(Optional<Inet4Address> preferred) throws IOException {
        Optional<DhcpMessage> offer = discover(preferred);
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
                mac, request), DhcpMessage.BROADCAST, xid);
    }

    /**
     * DISCOVER alone: the first OFFER, which binds nothing (a connectivity probe learns subnet and router from it
     * without taking a lease).
     */
    public Optional<DhcpMessage> discover(Optional<Inet4Address> preferred) throws IOException {
        int xid = random.nextInt();
        Map<Integer, byte[]> discover = common();
        preferred.ifPresent(a -> discover.put(DhcpMessage.OPT_REQUESTED_ADDRESS, a.getAddress()));
        return exchange(DhcpMessage.request(DhcpMessage.Type.DISCOVER, xid, DhcpMessage.FLAG_BROADCAST,
                DhcpMessage.ANY, mac, discover), DhcpMessage.BROADCAST, xid, DhcpMessage.Type.OFFER);
    }

    /** RENEWING: REQUEST to the lease's server, from the leased address. */
    public Answer renew(DhcpLease lease) throws IOException {
        int xid = random.nextInt();
        return request(DhcpMessage.request(DhcpMessage.Type.REQUEST, xid, 0, lease.address(), mac, common()),
                lease.server(), xid);
    }

    /** REBINDING: REQUEST to any server, broadcast, from the leased address. */
    public Answer rebind(DhcpLease lease) throws IOException {
        int xid = random.nextInt();
        return request(DhcpMessage.request(DhcpMessage.Type.REQUEST, xid, 0, lease.address(), mac, common()),
                DhcpMessage.BROADCAST, xid);
    }

    /** RELEASE to the lease's server; there is no answer to wait for. */
    public void release(DhcpLease lease) throws IOException {
        Map<Integer, byte[]> o = new LinkedHashMap<>();
        o.put(DhcpMessage.OPT_SERVER_ID, lease.server().getAddress());
        o.put(DhcpMessage.OPT_CLIENT_ID, clientId);
        transport.send(DhcpMessage.request(DhcpMessage.Type.RELEASE, random.nextInt(), 0, lease.address(), mac, o),
                lease.server());
    }

    private Map<Integer, byte[]> common() {
        Map<Integer, byte[]> o = new LinkedHashMap<>();
        o.put(DhcpMessage.OPT_CLIENT_ID, clientId);
        o.put(DhcpMessage.OPT_PARAMETERS, PARAMETERS);
        return o;
    }

    private Answer request(DhcpMessage request, Inet4Address to, int xid) throws IOException {
        Instant sent = clock.instant();
        Optional<DhcpMessage> reply = exchange(request, to, xid, DhcpMessage.Type.ACK, DhcpMessage.Type.NAK);
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

    /** Sends {@code m} and waits for a reply of one of {@code types} to {@code xid}, trying again with longer waits. */
    private Optional<DhcpMessage> exchange(DhcpMessage m, Inet4Address to, int xid, DhcpMessage.Type... types)
            throws IOException {
        Duration wait = firstWait;
        for (int attempt = 0; attempt < attempts; attempt++) {
            transport.send(m, to);
            Instant deadline = clock.instant().plus(wait);
            while (true) {
                Duration left = Duration.between(clock.instant(), deadline);
                if (left.isNegative() || left.isZero()) {
                    break;
                }
                Optional<DhcpMessage> reply = transport.receive(left);
                if (reply.isEmpty()) {
                    break;
                }
                DhcpMessage r = reply.get();
                if (r.xid() == xid && java.util.Arrays.equals(r.chaddr(), mac) && r.type().isPresent()
                        && java.util.List.of(types).contains(r.type().get())) {
                    return reply;
                }
            }
            wait = wait.multipliedBy(2);
        }
        return Optional.empty();
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
