package io.vmnetd.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class WatchdogTest {

    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @Test
    void pingsAtHalfTheIntervalWhileHealthy() throws Exception {
        Path socket = dir.resolve("notify");
        AtomicBoolean healthy = new AtomicBoolean(true);
        try (NotifyReceiver systemd = new NotifyReceiver(socket.toString())) {
            SdNotify notify = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", socket.toString()));
            Map<String, String> env = Map.of("WATCHDOG_USEC", "400000", "WATCHDOG_PID", Long.toString(PID));
            long start = System.nanoTime();
            try (Watchdog watchdog = Watchdog.start(notify, healthy::get, env, PID).orElseThrow()) {
                assertThat(watchdog.interval()).isEqualTo(Duration.ofMillis(400));
                assertThat(systemd.receive(Duration.ofSeconds(2))).isEqualTo("WATCHDOG=1");
                assertThat(systemd.receive(Duration.ofSeconds(2))).isEqualTo("WATCHDOG=1");
                assertThat(systemd.receive(Duration.ofSeconds(2))).isEqualTo("WATCHDOG=1");
                // First ping at once, then every 200 ms: the third comes 400 ms after the start.
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(
                        Duration.ofMillis(390), Duration.ofMillis(1500));

                healthy.set(false);
                Thread.sleep(250); // let a ping already under way land
                while (systemd.receive(Duration.ofMillis(10)) != null) {
                    // drain
                }
                assertThat(systemd.receive(Duration.ofMillis(600))).isNull();

                healthy.set(true);
                assertThat(systemd.receive(Duration.ofSeconds(2))).isEqualTo("WATCHDOG=1");
            }
        }
    }

    @Test
    void notStartedWithoutAWatchdogForThisProcess() {
        SdNotify notify = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", dir.resolve("n").toString()));
        assertThat(Watchdog.start(notify, () -> true, Map.of(), PID)).isEmpty();
        assertThat(Watchdog.start(notify, () -> true, Map.of("WATCHDOG_USEC", "1000000", "WATCHDOG_PID", "1"), PID))
                .isEmpty();
        assertThat(Watchdog.start(notify, () -> true, Map.of("WATCHDOG_USEC", "soon"), PID)).isEmpty();
        assertThat(Watchdog.start(notify, () -> true, Map.of("WATCHDOG_USEC", "0"), PID)).isEmpty();
        SdNotify off = SdNotify.fromEnvironment(Map.of());
        assertThat(Watchdog.start(off, () -> true, Map.of("WATCHDOG_USEC", "1000000"), PID)).isEmpty();
    }

    @Test
    void startsWithoutWatchdogPid() {
        SdNotify notify = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", dir.resolve("n").toString()));
        Optional<Watchdog> watchdog = Watchdog.start(notify, () -> false, Map.of("WATCHDOG_USEC", "30000000"), PID);
        assertThat(watchdog).hasValueSatisfying(w -> assertThat(w.interval()).isEqualTo(Duration.ofSeconds(30)));
        watchdog.get().close();
    }
}
