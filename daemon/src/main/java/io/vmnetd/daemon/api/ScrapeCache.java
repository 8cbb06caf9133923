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
 * The Prometheus text, scraped on a thread of its own and kept for a second: however many clients ask, the metrics
 * are gathered (gauges read, a netlink dump made) at most once a second, never on an API worker nor on an event loop,
 * and clients that ask while a scrape runs share it.
 */
final class ScrapeCache implements AutoCloseable {

    static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(1);
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private final Supplier<String> scrape;
    private final long maxAgeNanos;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread t = new Thread(runnable, "vmnetd-metrics-scrape");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<String> latest;
    private long latestNanos;

    ScrapeCache(Supplier<String> scrape, Duration maxAge) {
        this.scrape = scrape;
        this.maxAgeNanos = maxAge.toNanos();
    }

    /** The text at most {@code maxAge} old, or the scrape under way. */
    synchronized CompletableFuture<String> get() {
        long now = System.nanoTime();
        boolean fresh = latest != null && (!latest.isDone() || now - latestNanos < maxAgeNanos
                && !latest.isCompletedExceptionally());
        if (!fresh) {
            latest = CompletableFuture.supplyAsync(scrape, thread);
            latestNanos = now;
        }
        return latest;
    }

    /** For callers that may block (API workers): at most {@link #MAX_WAIT}, so a hung gauge cannot pin a worker. */
    String getNow() {
        try {
            return get().get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
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
