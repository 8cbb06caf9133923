package io.vmnetd.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Root's headroom in a pool: non-root calls get half the threads and half the queue; probes go first. */
@Timeout(30)
class WorkerPoolTest {

    private final WorkerPool pool = new WorkerPool("test-worker", 4, 8);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger running = new AtomicInteger();

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
    }

    @Test
    void nonRootCallsRunOnHalfTheThreadsAndQueueInHalfTheQueue() throws Exception {
        assertThat(pool.trySubmit(this::block, false)).isTrue();
        assertThat(pool.trySubmit(this::block, false)).isTrue();
        awaitRunning(2);
        for (int i = 0; i < 4; i++) {
            assertThat(pool.trySubmit(this::block, false)).as("non-root call %d queued", i).isTrue();
        }
        assertThat(pool.trySubmit(this::block, false)).as("past half the queue").isFalse();
        Thread.sleep(100);
        assertThat(running).as("non-root calls running").hasValue(2);

        CountDownLatch rootRan = new CountDownLatch(1);
        assertThat(pool.trySubmit(rootRan::countDown, true)).isTrue();
        assertThat(rootRan.await(2, TimeUnit.SECONDS)).as("root's call finds a free thread").isTrue();
        assertThat(pool.trySubmit(this::block, true)).isTrue();
        assertThat(pool.trySubmit(this::block, true)).isTrue();
        awaitRunning(4);
        for (int i = 0; i < 4; i++) {
            assertThat(pool.trySubmit(this::block, true)).as("root's call %d queued in the other half", i).isTrue();
        }
        assertThat(pool.trySubmit(() -> {}, true)).as("the queue is full").isFalse();

        CountDownLatch probed = new CountDownLatch(1);
        assertThat(pool.submitProbe(probed::countDown)).isTrue();
        assertThat(pool.submitProbe(() -> {})).as("one probe at a time").isFalse();
        assertThat(probed.await(300, TimeUnit.MILLISECONDS)).as("no thread is free").isFalse();
        release.countDown();
        assertThat(probed.await(2, TimeUnit.SECONDS)).isTrue();
        pool.shutdown();
        assertThat(pool.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(pool.trySubmit(() -> {}, true)).as("shut").isFalse();
    }

    private void block() {
        running.incrementAndGet();
        try {
            release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.decrementAndGet();
        }
    }

    private void awaitRunning(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (running.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }
}
