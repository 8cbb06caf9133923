package io.vmnetd.daemon.dhcp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet4Address;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Keeps a lease on one interface for as long as it runs, on its own thread (RFC 2131 4.4.5): obtains one once the
 * interface is there and up, renews it with its server from T1, rebinds with any server from T2, and starts over
 * when it is refused or runs out. Each change is told to the {@link Listener}. {@link #stop(boolean)} ends it and
 * may release the lease.
 */
public final class LeaseKeeper {
    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class.getName());
    /** Wait between tries to obtain a lease while no server answers (a DISCOVER round takes ~30 s itself). */
    private static final Duration RETRY = Duration.ofSeconds(10);
    /** A request is sent again after 2 s, 4 s, 8 s (±10%): four sends in an exchange of 30 s. */
    static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(16), 0.1);
    static final Duration PATIENCE = Duration.ofSeconds(30);

    /** What the keeper needs to know about its interface. */
    public interface Interface {
        /** The interface's MAC while it exists and is up. */
        Optional<byte[]> macIfUp(String device);

        /** An IPv4 address the interface holds already (from before a restart), asked for again. */
        Optional<Inet4Address> heldAddress(String device);
    }

    /** Told of every change of the lease, on the keeper's thread. */
    public interface Listener {
        void bound(DhcpLease lease);

        /** The lease is gone (refused, or run out): its address must go. */
        void lost(String why);
    }

    /** Opens the transport on a device: {@link DhcpSocket#open}, a fake in tests. */
    public interface Transports {
        Transport open(String device) throws IOException;
    }

    private final String device;
    private final byte[] clientId;
    private final Interface link;
    private final Listener listener;
    private final Transports transports;
    private final Clock clock = Clock.systemUTC();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile DhcpLease lease;

    public LeaseKeeper(String device, byte[] clientId, Interface link, Listener listener, Transports transports) {
        this.device = device;
        this.clientId = clientId.clone();
        this.link = link;
        this.listener = listener;
        this.transports = transports;
        this.thread = new Thread(this::run, "dhcp-" + device);
        thread.setDaemon(true);
    }

    public LeaseKeeper start() {
        thread.start();
        return this;
    }

    public Optional<DhcpLease> lease() {
        return Optional.ofNullable(lease);
    }

    /** Stops the keeper (within a second); with {@code release}, a lease it holds is given back to its server. */
    public void stop(boolean release) {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        DhcpLease held = lease;
        if (release && held != null && link.macIfUp(device).isPresent()) {
            try (Transport t = transports.open(device)) {
                new DhcpClient(t, link.macIfUp(device).get(), Optional.of(clientId), clock, BACKOFF, PATIENCE)
                        .release(held);
                LOG.info(device + ": released DHCP lease " + held.describe());
            } catch (IOException e) {
                LOG.warning(device + ": could not release DHCP lease " + held.describe() + ": " + e.getMessage());
            }
        }
    }

    private void run() {
        while (!stopped) {
            try {
                Duration pause = step();
                if (!pause.isZero()) {
                    Thread.sleep(pause.toMillis());
                }
            } catch (InterruptedException | InterruptedIOException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warning(device + ": DHCP: " + e.getMessage());
                try {
                    Thread.sleep(RETRY.toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** One move of the client's state machine; returns how long to wait before the next. */
    private Duration step() throws IOException {
        Optional<byte[]> mac = link.macIfUp(device);
        if (mac.isEmpty()) {
            return Duration.ofSeconds(1);
        }
        DhcpLease held = lease;
        Instant now = clock.instant();
        if (held != null && held.expiresAt().map(e -> !now.isBefore(e)).orElse(false)) {
            lose("the lease " + held.describe() + " ran out");
            return Duration.ZERO;
        }
        if (held != null && now.isBefore(held.renewAt())) {
            return until(held.renewAt(), Duration.ofMinutes(5));
        }
        try (Transport t = transports.open(device)) {
            DhcpClient client = new DhcpClient(t, mac.get(), Optional.of(clientId), clock, BACKOFF, PATIENCE);
            DhcpClient.Answer answer = held == null ? client.obtain(link.heldAddress(device))
                    : now.isBefore(held.rebindAt()) ? client.renew(held) : client.rebind(held);
            if (answer instanceof DhcpClient.Answer.Bound b) {
                lease = b.lease();
                LOG.info(device + ": DHCP lease " + b.lease().describe());
                listener.bound(b.lease());
                return Duration.ZERO;
            }
            if (held == null) {
                return RETRY;
            }
            if (answer instanceof DhcpClient.Answer.Refused r) {
                lose("the server refused the lease: " + r.message());
                return Duration.ZERO;
            }
            // No answer: try again within half the time left to the next deadline (RFC 2131 4.4.5).
            return half(now.isBefore(held.rebindAt()) ? held.rebindAt() : held.expiresAt().orElse(now.plusSeconds(120)));
        }
    }

    private void lose(String why) {
        lease = null;
        LOG.warning(device + ": " + why + "; seeking a new one");
        listener.lost(why);
    }

    /** The time to {@code at}, at most {@code cap}, at least 100 ms. */
    private Duration until(Instant at, Duration cap) {
        Duration left = Duration.between(clock.instant(), at);
        return left.compareTo(cap) > 0 ? cap : left.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : left;
    }

    /** Half the time to {@code at}, between 1 s (short leases, as in tests) and 60 s. */
    private Duration half(Instant at) {
        Duration h = Duration.between(clock.instant(), at).dividedBy(2);
        return h.compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60)
                : h.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : h;
    }
}
