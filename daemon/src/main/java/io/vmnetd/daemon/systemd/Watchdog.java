package io.vmnetd.daemon.systemd;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Pets systemd's watchdog (WatchdogSec=) at half the interval, but only while the daemon is really working: a
 * wedged reconcile loop, or an API that no longer answers (every CNI worker stuck), stops the pings, and systemd
 * restarts the service. A timer thread that pinged unconditionally would only prove that the JVM is alive.
 */
public final class Watchdog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Watchdog.class.getName());
    private static final Duration MAX_CHECK = Duration.ofSeconds(5);

    /** "Is the daemon working?", answered within {@code budget} (a quarter of the interval, at most 5 s). */
    @FunctionalInterface
    public interface HealthCheck {
        boolean healthy(Duration budget);
    }

    private final SdNotify notify;
    private final HealthCheck healthy;
    private final Duration interval;
    private final ScheduledExecutorService timer;
    private volatile boolean wasHealthy = true;

    private Watchdog(SdNotify notify, HealthCheck healthy, Duration interval) {
        this.notify = notify;
        this.healthy = healthy;
        this.interval = interval;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "vmnetd-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        long periodMicros = Math.max(1, interval.toNanos() / 1000 / 2);
        timer.scheduleAtFixedRate(this::ping, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    /**
     * Starts pinging if systemd asked for a watchdog for this process.
     *
     * @param healthy "the daemon is working" (reconcile loop and API); called from the watchdog thread
     * @return empty when WATCHDOG_USEC is unset or invalid, WATCHDOG_PID names another process, or notify is off
     */
    public static Optional<Watchdog> start(SdNotify notify, HealthCheck healthy) {
        return start(notify, healthy, System.getenv(), ProcessHandle.current().pid());
    }

    public static Optional<Watchdog> start(SdNotify notify, BooleanSupplier healthy, Map<String, String> environment,
            long ownPid) {
        return start(notify, budget -> healthy.getAsBoolean(), environment, ownPid);
    }

    public static Optional<Watchdog> start(SdNotify notify, HealthCheck healthy, Map<String, String> environment,
            long ownPid) {
        String usec = environment.getOrDefault("WATCHDOG_USEC", "");
        if (usec.isEmpty() || !notify.enabled()) {
            return Optional.empty();
        }
        String pid = environment.getOrDefault("WATCHDOG_PID", "");
        if (!pid.isEmpty() && !pid.equals(Long.toString(ownPid))) {
            // Inherited from a parent that was the watched process; the watchdog is not ours.
            return Optional.empty();
        }
        long micros;
        try {
            micros = Long.parseLong(usec);
        } catch (NumberFormatException e) {
            LOG.warning("ignoring WATCHDOG_USEC=" + usec + ": not a number");
            return Optional.empty();
        }
        if (micros <= 0) {
            return Optional.empty();
        }
        Duration interval = Duration.ofNanos(micros * 1000);
        LOG.info("systemd watchdog every " + interval.toMillis() + " ms; pinging at half that while healthy");
        return Optional.of(new Watchdog(notify, healthy, interval));
    }

    /** The interval systemd enforces (pings go at half of it). */
    public Duration interval() {
        return interval;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private void ping() {
        boolean ok;
        try {
            Duration budget = interval.dividedBy(4);
            ok = healthy.healthy(budget.compareTo(MAX_CHECK) > 0 ? MAX_CHECK : budget);
        } catch (RuntimeException e) {
            LOG.warning("watchdog health check failed: " + e);
            ok = false;
        }
        if (ok) {
            notify.watchdog();
            if (!wasHealthy) {
                LOG.info("daemon healthy again; watchdog pings resumed");
            }
        } else if (wasHealthy) {
            LOG.warning("daemon unhealthy; withholding watchdog pings, systemd will restart it after "
                    + interval.toSeconds() + " s unless it recovers");
        }
        wasHealthy = ok;
    }
}
