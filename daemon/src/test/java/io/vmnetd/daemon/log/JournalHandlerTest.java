package io.vmnetd.daemon.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events reach a stand-in for journald's native socket as sd_journal_send(3) fields. */
class JournalHandlerTest {
    private static final Logger LOG = Logger.getLogger("io.vmnetd.daemon.reconcile.Reconciler");

    @TempDir
    Path dir;

    @AfterEach
    void restore() {
        Logging.configure("info", System.out, false);
    }

    @Test
    void fieldsTravelWithTheMessageAndPriority() throws Exception {
        Path socket = dir.resolve("journal.sock");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        try (UnixDatagramChannel journald = UnixDatagramChannel.open()) {
            journald.bind(new UnixSocketAddress(socket.toString()));
            JournalHandler handler = JournalHandler.open(socket, new JournalLineFormatter(false),
                    new java.util.logging.StreamHandler(new PrintStream(stdout), new JournalLineFormatter(true)));
            Logger root = Logger.getLogger("");
            for (var h : root.getHandlers()) {
                root.removeHandler(h);
            }
            root.addHandler(handler);

            LogFields.of(LogFields.NETWORK, "data").with(LogFields.DRIFT, "vlans").with(LogFields.PORT, "")
                    .log(LOG, Level.WARNING, "repaired {0} drift\nsecond line");
            Map<String, String> fields = receive(journald);
            assertThat(fields).containsEntry("MESSAGE", "WARN Reconciler: repaired {0} drift | second line")
                    .containsEntry("PRIORITY", "4").containsEntry("SYSLOG_IDENTIFIER", "vmnetd")
                    .containsEntry("VMNETD_NETWORK", "data").containsEntry("VMNETD_DRIFT", "vlans")
                    .doesNotContainKey("VMNETD_PORT");

            LOG.info("plain");
            assertThat(receive(journald)).containsEntry("MESSAGE", "INFO Reconciler: plain").containsEntry("PRIORITY", "6")
                    .hasSize(3);
        }
        assertThat(stdout.size()).isZero();
    }

    @Test
    void aValueWithANewlineIsSentWithItsLength() {
        JournalHandler handler = JournalHandler.open(Path.of("/"), new JournalLineFormatter(false),
                new java.util.logging.ConsoleHandler());
        assertThat(handler).isNotNull();
        java.util.logging.LogRecord r = new java.util.logging.LogRecord(Level.INFO, "m");
        r.setLoggerName("x.Y");
        r.setParameters(new Object[] {LogFields.of(LogFields.CONTAINER, "a\nb")});
        byte[] d = handler.encode(r);
        byte[] expected = ("VMNETD_CONTAINER_ID\n").getBytes(StandardCharsets.US_ASCII);
        String text = new String(d, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("VMNETD_CONTAINER_ID\n");
        assertThat(at).isPositive();
        long length = ByteBuffer.wrap(d, at + expected.length, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(length).isEqualTo(3);
        assertThat(text.substring(at + expected.length + 8)).isEqualTo("a\nb\n");
        handler.close();
    }

    @Test
    void withoutTheSocketThereIsNoHandler() {
        assertThat(JournalHandler.open(dir.resolve("none"), new JournalLineFormatter(false),
                new java.util.logging.ConsoleHandler())).isNull();
    }

    /** One datagram, parsed (values with newlines are not used here). */
    private static Map<String, String> receive(UnixDatagramChannel journald) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        journald.receive(buf);
        buf.flip();
        String text = StandardCharsets.UTF_8.decode(buf).toString();
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            fields.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return fields;
    }
}
