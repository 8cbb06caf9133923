package io.vmnetd.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.api.ApiLimits;
import io.vmnetd.daemon.api.ApiServer;
import io.vmnetd.daemon.api.Caller;
import io.vmnetd.daemon.api.DaemonApi;
import io.vmnetd.daemon.cni.CniReply;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog as the daemon wires it (Daemon.boot: reconcile loop healthy AND the API answers), against a real API
 * server: pings stop while every CNI worker hangs (as on hung IPAM plugins) and come back when the workers free up.
 */
@Timeout(60)
class WatchdogProbeTest {

    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @Test
    void pingsStopWhileEveryCniWorkerHangsAndResumeAfter() throws Exception {
        CountDownLatch unhang = new CountDownLatch(1);
        AtomicInteger hanging = new AtomicInteger();
        DaemonApi api = new HangingCni(hanging, unhang);
        AtomicBoolean loopHealthy = new AtomicBoolean(true);
        Path socket = dir.resolve("vmnetd.sock");
        Path notifySocket = dir.resolve("notify");
        List<Thread> clients = new ArrayList<>();
        try (ApiServer server = ApiServer.start(socket, "root", api);
                NotifyReceiver systemd = new NotifyReceiver(notifySocket.toString())) {
            SdNotify notify = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", notifySocket.toString()));
            // 2 s: pings every second, each check within 500 ms, enough for a loaded test machine.
            Map<String, String> env = Map.of("WATCHDOG_USEC", "2000000", "WATCHDOG_PID", Long.toString(PID));
            try (Watchdog watchdog = Watchdog.start(notify,
                    budget -> loopHealthy.get() && server.answers(budget), env, PID).orElseThrow()) {
                for (int i = 0; i < 2; i++) {
                    assertThat(systemd.receive(Duration.ofSeconds(4))).isEqualTo("WATCHDOG=1");
                }

                for (int i = 0; i < ApiLimits.DEFAULT_CNI_WORKERS; i++) {
                    clients.add(startCniCall(socket));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (hanging.get() < ApiLimits.DEFAULT_CNI_WORKERS && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(hanging).hasValue(ApiLimits.DEFAULT_CNI_WORKERS);
                Thread.sleep(1200); // a ping whose check began before the workers hung may still land
                drain(systemd);
                assertThat(systemd.receive(Duration.ofMillis(2500))).as("pings while every CNI worker hangs").isNull();

                unhang.countDown();
                assertThat(systemd.receive(Duration.ofSeconds(4))).isEqualTo("WATCHDOG=1");
                assertThat(systemd.receive(Duration.ofSeconds(4))).isEqualTo("WATCHDOG=1");

                loopHealthy.set(false); // the reconcile loop still counts on its own
                Thread.sleep(1200);
                drain(systemd);
                assertThat(systemd.receive(Duration.ofMillis(2500))).isNull();
            }
        } finally {
            unhang.countDown();
            for (Thread client : clients) {
                client.join(5000);
            }
        }
    }

    private static void drain(NotifyReceiver systemd) throws Exception {
        while (systemd.receive(Duration.ofMillis(10)) != null) {
            // earlier pings
        }
    }

    /** A CNI call over the socket in a thread of its own; it blocks until the fake core lets it go. */
    private static Thread startCniCall(Path socket) {
        Thread thread = new Thread(() -> {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                byte[] body = "{\"command\":\"ADD\"}".getBytes(StandardCharsets.UTF_8);
                channel.write(ByteBuffer.wrap(("POST /v1/cni HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n{\"command\":\"ADD\"}").getBytes(StandardCharsets.UTF_8)));
                ByteBuffer in = ByteBuffer.allocate(4096);
                while (channel.read(in.clear()) >= 0) {
                    // until the server closes
                }
            } catch (IOException e) {
                // the server went away
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** A core whose CNI calls hang until released; everything else answers at once. */
    private record HangingCni(AtomicInteger hanging, CountDownLatch unhang) implements DaemonApi {
        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public Object status() {
            return Map.of();
        }

        @Override
        public Object networks() {
            return List.of();
        }

        @Override
        public Object ports() {
            return List.of();
        }

        @Override
        public Object links() {
            return List.of();
        }

        @Override
        public Object config() {
            return Map.of();
        }

        @Override
        public Object applyConfig(String yaml, boolean dryRun) {
            return Map.of();
        }

        @Override
        public Object dropConfigOverlay() {
            return Map.of();
        }

        @Override
        public Optional<Object> checkNetwork(String name) {
            return Optional.empty();
        }

        @Override
        public CniReply cni(byte[] body, Caller caller) {
            hanging.incrementAndGet();
            try {
                unhang.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new CniReply(0, "{}", Optional.empty(), false);
        }

        @Override
        public String metrics() {
            return "";
        }
    }
}
