package io.vmnetd.daemon.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The client's exchanges against a scripted server (the protocol, not the kernel: the socket is the lab's and the
 * connectivity probe's host test's): DISCOVER/OFFER/REQUEST/ACK, renew by unicast and rebind by broadcast from the
 * leased address, NAK, silence and replies meant for someone else, when requests are sent again. Time is a clock
 * that the scripted server moves on while it stays silent, so that waits take none.
 */
class DhcpClientTest {
    private static final byte[] MAC = HexFormat.of().parseHex("020000000001");
    private static final Inet4Address SERVER = ip("10.0.0.2");
    private static final Inet4Address OFFERED = ip("10.0.0.57");

    /** A clock that moves only when told. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** A server that answers each request at once with what {@code script} makes of it. */
    private static final class ScriptedServer implements Transport {
        final ManualClock clock = new ManualClock();
        final List<DhcpMessage> sent = new ArrayList<>();
        final List<Instant> sentAt = new ArrayList<>();
        final List<Inet4Address> to = new ArrayList<>();
        final Deque<DhcpMessage> replies = new ArrayDeque<>();
        final Function<DhcpMessage, List<DhcpMessage>> script;

        ScriptedServer(Function<DhcpMessage, List<DhcpMessage>> script) {
            this.script = script;
        }

        @Override
        public void send(DhcpMessage message, Inet4Address dest) {
            sent.add(message);
            sentAt.add(clock.instant());
            to.add(dest);
            replies.addAll(script.apply(message));
        }

        /** A reply waiting, else silence for the whole {@code timeout}, as a socket would. */
        @Override
        public Optional<DhcpMessage> receive(Duration timeout) {
            DhcpMessage next = replies.poll();
            if (next == null) {
                clock.now = clock.now.plus(timeout);
            }
            return Optional.ofNullable(next);
        }

        @Override
        public void close() {}
    }

    private static DhcpMessage reply(DhcpMessage request, DhcpMessage.Type type, Inet4Address yiaddr) {
        Map<Integer, byte[]> o = new LinkedHashMap<>();
        o.put(DhcpMessage.OPT_MESSAGE_TYPE, new byte[] {(byte) type.code});
        o.put(DhcpMessage.OPT_SERVER_ID, SERVER.getAddress());
        o.put(DhcpMessage.OPT_SUBNET_MASK, ip("255.255.255.0").getAddress());
        o.put(DhcpMessage.OPT_ROUTER, ip("10.0.0.1").getAddress());
        o.put(DhcpMessage.OPT_LEASE_TIME, ByteBuffer.allocate(4).putInt(600).array());
        return new DhcpMessage(DhcpMessage.BOOTREPLY, request.xid(), 0, 0, DhcpMessage.ANY, yiaddr,
                DhcpMessage.ANY, DhcpMessage.ANY, request.chaddr(), o);
    }

    private static List<DhcpMessage> server(DhcpMessage m) {
        return switch (m.type().orElseThrow()) {
            case DISCOVER -> List.of(reply(m, DhcpMessage.Type.OFFER, OFFERED));
            case REQUEST -> List.of(reply(m, DhcpMessage.Type.ACK, m.ciaddr().equals(DhcpMessage.ANY) ? OFFERED
                    : m.ciaddr()));
            default -> List.of();
        };
    }

    /** The host networks' client: an identifier, requests sent again after 2 s, 4 s, 8 s, for 30 s. */
    private static DhcpClient client(ScriptedServer s) {
        return new DhcpClient(s, MAC, Optional.of(new byte[] {0, 'h'}), s.clock,
                new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(16), 0), Duration.ofSeconds(30));
    }

    @Test
    void obtainingBroadcastsDiscoverThenRequestsTheOfferFromItsServer() throws Exception {
        ScriptedServer s = new ScriptedServer(DhcpClientTest::server);

        DhcpClient.Answer a = client(s).obtain(Optional.empty());

        assertThat(a).isInstanceOf(DhcpClient.Answer.Bound.class);
        DhcpLease lease = ((DhcpClient.Answer.Bound) a).lease();
        assertThat(lease.address()).isEqualTo(OFFERED);
        assertThat(lease.prefixLength()).isEqualTo(24);
        assertThat(lease.router()).contains(ip("10.0.0.1"));
        assertThat(lease.server()).isEqualTo(SERVER);
        assertThat(lease.time()).contains(Duration.ofSeconds(600));
        assertThat(lease.renewAfter()).isEqualTo(Duration.ofSeconds(300));
        assertThat(lease.rebindAfter()).isEqualTo(Duration.ofSeconds(525));

        assertThat(s.sent).extracting(m -> m.type().orElseThrow())
                .containsExactly(DhcpMessage.Type.DISCOVER, DhcpMessage.Type.REQUEST);
        assertThat(s.to).containsOnly(DhcpMessage.BROADCAST);
        DhcpMessage request = s.sent.get(1);
        assertThat(request.flags()).isEqualTo(DhcpMessage.FLAG_BROADCAST);
        assertThat(request.xid()).isEqualTo(s.sent.get(0).xid());
        assertThat(request.addressOption(DhcpMessage.OPT_REQUESTED_ADDRESS)).contains(OFFERED);
        assertThat(request.addressOption(DhcpMessage.OPT_SERVER_ID)).contains(SERVER);
        assertThat(request.option(DhcpMessage.OPT_CLIENT_ID)).hasValueSatisfying(v -> assertThat(v)
                .containsExactly(0, 'h'));
    }

    @Test
    void renewingIsUnicastToTheServerAndRebindingBroadcastBothFromTheLeasedAddress() throws Exception {
        ScriptedServer s = new ScriptedServer(DhcpClientTest::server);
        DhcpLease lease = ((DhcpClient.Answer.Bound) client(s).obtain(Optional.empty())).lease();
        s.sent.clear();
        s.to.clear();

        assertThat(client(s).renew(lease)).isInstanceOf(DhcpClient.Answer.Bound.class);
        assertThat(client(s).rebind(lease)).isInstanceOf(DhcpClient.Answer.Bound.class);

        assertThat(s.to).containsExactly(SERVER, DhcpMessage.BROADCAST);
        for (DhcpMessage m : s.sent) {
            assertThat(m.ciaddr()).isEqualTo(OFFERED);
            assertThat(m.flags()).isZero();
            assertThat(m.option(DhcpMessage.OPT_SERVER_ID)).isEmpty();
            assertThat(m.option(DhcpMessage.OPT_REQUESTED_ADDRESS)).isEmpty();
        }
    }

    @Test
    void aNakIsRefusedSilenceIsSilentAndRepliesToOthersAreIgnored() throws Exception {
        ScriptedServer nak = new ScriptedServer(m -> m.type().orElseThrow() == DhcpMessage.Type.DISCOVER
                ? List.of(reply(m, DhcpMessage.Type.OFFER, OFFERED)) : List.of(reply(m, DhcpMessage.Type.NAK,
                DhcpMessage.ANY)));
        assertThat(client(nak).obtain(Optional.empty())).isInstanceOf(DhcpClient.Answer.Refused.class);

        ScriptedServer silent = new ScriptedServer(m -> List.of());
        assertThat(client(silent).obtain(Optional.of(OFFERED))).isInstanceOf(DhcpClient.Answer.Silent.class);
        assertThat(silent.sent).hasSize(4).allMatch(m -> m.type().orElseThrow() == DhcpMessage.Type.DISCOVER);
        assertThat(silent.sent).extracting(DhcpMessage::secs).containsExactly(0, 2, 6, 14);
        assertThat(silent.sent.get(0).addressOption(DhcpMessage.OPT_REQUESTED_ADDRESS)).contains(OFFERED);

        ScriptedServer others = new ScriptedServer(m -> {
            DhcpMessage offer = reply(m, DhcpMessage.Type.OFFER, OFFERED);
            return List.of(new DhcpMessage(offer.op(), offer.xid() + 1, 0, 0, offer.ciaddr(), offer.yiaddr(),
                    offer.siaddr(), offer.giaddr(), MAC, offer.options()));
        });
        assertThat(client(others).obtain(Optional.empty())).isInstanceOf(DhcpClient.Answer.Silent.class);
    }

    @Test
    void aDiscoverAloneReturnsTheOfferAndRequestsNothing() throws Exception {
        ScriptedServer s = new ScriptedServer(DhcpClientTest::server);

        Optional<DhcpMessage> offer = client(s).discover(Optional.empty());

        assertThat(offer).hasValueSatisfying(o -> assertThat(o.yiaddr()).isEqualTo(OFFERED));
        assertThat(s.sent).extracting(m -> m.type().orElseThrow()).containsExactly(DhcpMessage.Type.DISCOVER);
    }

    /**
     * The connectivity probe's DISCOVER (README "Connectivity checks"): no client identifier, broadcast flag set,
     * sent again after 1 s, 2 s, 4 s, 4 s... ±10% with {@code secs} counting up, until its share of the check's
     * timeout (here 60% of 15 s) is spent; never a REQUEST.
     */
    @Test
    void theProbesDiscoverIsSentAgainWithItsBackoffUntilItsPatienceRunsOut() throws Exception {
        ScriptedServer silent = new ScriptedServer(m -> List.of());
        DhcpClient probe = new DhcpClient(silent, MAC, Optional.empty(), silent.clock,
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4), 0.1), Duration.ofSeconds(9));

        assertThat(probe.discover(Optional.empty())).isEmpty();

        // 0, ~1, ~3, ~7; the next (at 9.9 s at the earliest) is past the 9 s.
        assertThat(probe.sent()).isEqualTo(4);
        assertThat(silent.sent).hasSize(4).allSatisfy(m -> {
            assertThat(m.type()).contains(DhcpMessage.Type.DISCOVER);
            assertThat(m.flags()).isEqualTo(DhcpMessage.FLAG_BROADCAST);
            assertThat(m.option(DhcpMessage.OPT_CLIENT_ID)).isEmpty();
            assertThat(m.xid()).isEqualTo(silent.sent.get(0).xid());
        });
        assertThat(silent.to).containsOnly(DhcpMessage.BROADCAST);
        long[] gaps = new long[3];
        for (int i = 0; i < 3; i++) {
            gaps[i] = Duration.between(silent.sentAt.get(i), silent.sentAt.get(i + 1)).toMillis();
        }
        assertThat(gaps[0]).isBetween(900L, 1100L);
        assertThat(gaps[1]).isBetween(1800L, 2200L);
        assertThat(gaps[2]).isBetween(3600L, 4400L);
        for (int i = 0; i < 4; i++) {
            assertThat(silent.sent.get(i).secs()).as("secs of send " + i)
                    .isEqualTo((int) Duration.between(silent.sentAt.get(0), silent.sentAt.get(i)).toSeconds());
        }
        assertThat(Duration.between(silent.sentAt.get(0), silent.clock.instant())).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void backoffDoublesUpToItsCapWithinTheJitter() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(350), 0.1);

        assertThat(b.delay(0).toMillis()).isBetween(90L, 110L);
        assertThat(b.delay(1).toMillis()).isBetween(180L, 220L);
        assertThat(b.delay(2).toMillis()).isBetween(315L, 385L);
        assertThat(b.delay(40).toMillis()).isBetween(315L, 385L);
    }

    @Test
    void prefixLengthsComeFromTheMaskOrTheClass() {
        assertThat(DhcpClient.prefixLength(ip("255.255.254.0"))).isEqualTo(23);
        assertThat(DhcpClient.classfulLength(ip("172.16.0.1"))).isEqualTo(16);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DhcpClient.prefixLength(ip("255.0.255.0")))
                .hasMessageContaining("not contiguous");
    }

    private static Inet4Address ip(String s) {
        try {
            return (Inet4Address) InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
