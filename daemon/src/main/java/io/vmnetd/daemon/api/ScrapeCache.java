package io.vmnetd.daemon.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The Prometheus text, scraped on a thread of its own, never on an API worker nor on an event loop, and shared: at
 * most one scrape runs and one waits, and everyone who asks joins one of them. The TCP listener accepts a scrape up to
 * a second old, so however many clients ask the metrics are gathered (gauges read, a netlink dump made) at most once a
 * second; the socket asks for one that began after its request, so root's tools see every change they just made.
 */
final class ScrapeCache implements AutoCloseable {

    /** What the TCP metrics listener accepts. */
    static final Duration LISTENER_MAX_AGE = Duration.ofSeconds(1);
    /** How long an API worker waits before it answers 500, so that a hung gauge cannot pin it. */
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private final Supplier<String> scrape;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread t = new Thread(runnable, "vmnetd-metrics-scrape");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<String> latest;
    private boolean latestStarted;
    private long latestStartNanos;

    ScrapeCache(Supplier<String> scrape) {
        this.scrape = scrape;
    }

    /** A scrape that began at most {@code maxAge} before this call (zero: after it), or one still to begin. */
    synchronized CompletableFuture<String> get(Duration maxAge) {
        long now = System.nanoTime();
        if (latest != null) {
            boolean failed = latest.isCompletedExceptionally();
            if (!latestStarted || !failed && now - latestStartNanos <= maxAge.toNanos() && maxAge.toNanos() > 0) {
                return latest;
            }
        }
        latestStarted = false;
        latest = CompletableFuture.supplyAsync(() -> {
            synchronized (this) {
                latestStarted = true;
                latestStartNanos = System.nanoTime();
            }
            return scrape.get();
        }, thread);
        return latest;
    }

    /** For the TCP listener, which does not wait. */
    CompletableFuture<String> forListener() {
        return get(LISTENER_MAX_AGE);
    }

    /** For the socket's /metrics, on an API worker: a scrape begun after this call, waited for at most MAX_WAIT. */
    String fresh() {
        try {
            return get(Duration.ZERO).get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the metrics scrape takes longer than " + MAX_WAIT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the metrics scrape failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the metrics scrape");
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
