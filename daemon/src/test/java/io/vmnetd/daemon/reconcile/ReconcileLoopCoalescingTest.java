package io.vmnetd.daemon.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.model.NetworkPort;
import io.vmnetd.daemon.state.NetworkRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the loop merges requests. The reconciler has no network to reconcile, so a run touches no kernel; the first
 * run is held inside (where it asks for the live ports) while more requests arrive, which makes the merging
 * deterministic rather than a matter of the 20 ms debounce.
 */
@Timeout(30)
class ReconcileLoopCoalescingTest {

    @TempDir
    Path stateDir;

    private final AtomicInteger runs = new AtomicInteger();
    private final CountDownLatch firstRunInside = new CountDownLatch(1);
    private final CountDownLatch releaseFirstRun = new CountDownLatch(1);
    private Reconciler reconciler;
    private ReconcileLoop loop;

    @BeforeEach
    void setUp() throws IOException {
        Supplier<List<NetworkPort>> livePorts = () -> {
            if (firstRunInside.getCount() > 0) {
                firstRunInside.countDown();
                await(releaseFirstRun);
            }
            return List.of();
        };
        ReconcileObserver countRuns = new ReconcileObserver() {
            @Override
            public void reconciled(boolean succeeded, Duration took) {
                runs.incrementAndGet();
            }

            @Override
            public void repaired(String kind) {}
        };
        reconciler = new Reconciler(null, null, NetworkRegistry.open(stateDir), Config.defaults(), livePorts,
                countRuns);
        loop = new ReconcileLoop(reconciler, Duration.ofHours(1));
    }

    @AfterEach
    void tearDown() {
        releaseFirstRun.countDown();
        loop.close();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Holds the loop in a first run, sends {@code burst} meanwhile, and returns once the run after it is done. */
    private void duringARun(Runnable burst) throws InterruptedException {
        loop.request(Scope.ALL, Reason.STARTUP);
        await(firstRunInside);
        burst.run();
        releaseFirstRun.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (runs.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(200); // room for a third run, which must not come
    }

    @Test
    void aBurstOfRequestsDuringARunCostsOneMoreRun() throws InterruptedException {
        duringARun(() -> {
            for (int i = 0; i < 100; i++) {
                loop.request(Scope.network("data"), Reason.LINK_EVENT);
                loop.request(Scope.ALL, Reason.RESYNC);
                loop.request(Scope.network("storage"), Reason.CNI);
            }
        });

        assertThat(runs.get()).isEqualTo(2);
        assertThat(reconciler.lastRun().reason()).isEqualTo(Reason.RESYNC);
    }

    @Test
    void aDriftReasonWinsOverALaterOneThatCannotFindDrift() throws InterruptedException {
        duringARun(() -> {
            loop.request(Scope.ALL, Reason.LINK_EVENT);
            loop.request(Scope.ALL, Reason.CONFIG);
            loop.request(Scope.ALL, Reason.CNI);
        });

        assertThat(reconciler.lastRun().reason()).isEqualTo(Reason.LINK_EVENT);
    }

    @Test
    void aLaterDriftReasonReplacesOneThatCannotFindDrift() throws InterruptedException {
        duringARun(() -> {
            loop.request(Scope.ALL, Reason.CONFIG);
            loop.request(Scope.ALL, Reason.MONITOR_OVERFLOW);
        });

        assertThat(reconciler.lastRun().reason()).isEqualTo(Reason.MONITOR_OVERFLOW);
    }

    @Test
    void aLinkEventMergedIntoAFullRunKeepsItsDriftReason() throws InterruptedException {
        duringARun(() -> {
            loop.request(Scope.network("data"), Reason.LINK_EVENT);
            loop.request(Scope.ALL, Reason.CONFIG);
        });

        assertThat(reconciler.lastRun().reason().repairsDrift()).isTrue();
    }

    @Test
    void healthyUntilClosed() {
        assertThat(loop.healthy()).isTrue();

        loop.close();

        assertThat(loop.healthy()).isFalse();
    }

    @Test
    void reasonsThatRepairDrift() {
        assertThat(Reason.values()).filteredOn(Reason::repairsDrift)
                .containsExactlyInAnyOrder(Reason.LINK_EVENT, Reason.RESYNC, Reason.MONITOR_OVERFLOW, Reason.RETRY,
                        Reason.CHECK);
    }
}
