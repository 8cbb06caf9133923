package io.vmnetd.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class SdNotifyTest {

    private static final Duration WAIT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @Test
    void sendsEachStateToAPathSocket() throws Exception {
        Path socket = dir.resolve("notify");
        try (NotifyReceiver systemd = new NotifyReceiver(socket.toString())) {
            SdNotify notify = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", socket.toString()));
            assertThat(notify.enabled()).isTrue();
            assertThat(notify.ready()).isTrue();
            assertThat(systemd.receive(WAIT)).isEqualTo("READY=1");
            notify.status("reconciled 3 networks\nall good");
            assertThat(systemd.receive(WAIT)).isEqualTo("STATUS=reconciled 3 networks all good");
            notify.watchdog();
            assertThat(systemd.receive(WAIT)).isEqualTo("WATCHDOG=1");
            notify.reloading();
            assertThat(systemd.receive(WAIT)).matches("RELOADING=1\nMONOTONIC_USEC=\\d+");
            notify.stopping();
            assertThat(systemd.receive(WAIT)).isEqualTo("STOPPING=1");
        }
    }

    @Test
    void sendsToAnAbstractSocket() throws Exception {
        String name = "vmnetd-test-" + UUID.randomUUID();
        try (NotifyReceiver systemd = new NotifyReceiver("\0" + name)) {
            SdNotify notify = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "@" + name));
            assertThat(notify.ready()).isTrue();
            assertThat(systemd.receive(WAIT)).isEqualTo("READY=1");
        }
    }

    @Test
    void doesNothingWithoutNotifySocket() {
        SdNotify notify = SdNotify.fromEnvironment(Map.of());
        assertThat(notify.enabled()).isFalse();
        assertThat(notify.ready()).isFalse();
        assertThat(SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "")).enabled()).isFalse();
        assertThat(SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "vsock:2:1234")).enabled()).isFalse();
    }

    @Test
    void missingReceiverIsReportedNotThrown() {
        SdNotify notify = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", dir.resolve("gone").toString()));
        assertThat(notify.ready()).isFalse();
    }
}
