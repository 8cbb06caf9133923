package io.vmnetd.daemon.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who waits for whom: different ports of a network at once, one port or the whole network alone. */
class NetworkLocksTest {
    private final NetworkLocks locks = new NetworkLocks();
    private final ExecutorService other = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        other.shutdownNow();
    }

    @Test
    void differentPortsOfOneNetworkAreWorkedOnAtOnce() throws Exception {
        try (NetworkLocks.Held a = locks.ports("data", List.of("vmnaaaaaaaaaaaa"))) {
            assertThat(inOtherThread(() -> locks.ports("data", List.of("vmnbbbbbbbbbbbb")))).as("another port").isTrue();
        }
    }

    @Test
    void onePortWaitsForItsOtherHolder() throws Exception {
        CountDownLatch taken = new CountDownLatch(1);
        NetworkLocks.Held a = locks.ports("data", List.of("vmnaaaaaaaaaaaa"));
        Future<?> second = other.submit(() -> {
            try (NetworkLocks.Held b = locks.ports("data", List.of("vmnbbbbbbbbbbbb", "vmnaaaaaaaaaaaa"))) {
                taken.countDown();
            }
        });
        assertThat(taken.await(300, TimeUnit.MILLISECONDS)).as("the same port, held elsewhere").isFalse();
        a.close();
        second.get(5, TimeUnit.SECONDS);
        assertThat(taken.getCount()).as("taken once released").isZero();
    }

    @Test
    void aWholeNetworkWaitsForPortWorkAndPortWorkForIt() throws Exception {
        try (NetworkLocks.Held port = locks.ports("data", List.of("vmnaaaaaaaaaaaa"))) {
            assertThat(inOtherThread(() -> locks.network("data"))).as("the network, while a port is worked on").isFalse();
            assertThat(inOtherThread(() -> locks.network("other"))).as("another network").isTrue();
        }
        try (NetworkLocks.Held network = locks.network("data")) {
            assertThat(inOtherThread(() -> locks.ports("data", List.of("vmnbbbbbbbbbbbb")))).as("a port, while the network is reconciled").isFalse();
        }
    }

    /** Whether {@code take} gets its lock in another thread within 300 ms (released again at once either way). */
    private boolean inOtherThread(java.util.function.Supplier<NetworkLocks.Held> take) throws Exception {
        Future<?> f = other.submit(() -> take.get().close());
        try {
            f.get(300, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }
}
