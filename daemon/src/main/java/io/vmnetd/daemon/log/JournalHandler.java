package io.vmnetd.daemon.log;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;

/**
 * Writes each event to journald's native socket (the protocol of sd_journal_send(3)): MESSAGE (the same line the
 * stream output has, without the priority prefix), PRIORITY, SYSLOG_IDENTIFIER and the {@link LogFields} the event
 * carries. An event that cannot be sent goes to the fallback handler (the stdout stream) instead of being lost.
 *
 * <p>jnr's datagram channel, as in SdNotify: the JDK has no Unix datagram sockets.
 */
final class JournalHandler extends Handler {
    static final Path SOCKET = Path.of("/run/systemd/journal/socket");
    /** Far below journald's datagram limit; a longer message (a debug stack trace) is cut. */
    private static final int MAX_MESSAGE = 48 * 1024;

    private final UnixDatagramChannel channel;
    private final UnixSocketAddress address;
    private final JournalLineFormatter formatter;
    private final Handler fallback;

    private JournalHandler(UnixDatagramChannel channel, Path socket, JournalLineFormatter formatter, Handler fallback) {
        this.channel = channel;
        this.address = new UnixSocketAddress(socket.toString());
        this.formatter = formatter;
        this.fallback = fallback;
        setFormatter(formatter);
    }

    /** A handler for {@code socket}, or null when there is no such socket to write to. */
    static JournalHandler open(Path socket, JournalLineFormatter formatter, Handler fallback) {
        if (!Files.exists(socket)) {
            return null;
        }
        try {
            return new JournalHandler(UnixDatagramChannel.open(), socket, formatter, fallback);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        byte[] datagram;
        try {
            datagram = encode(record);
        } catch (RuntimeException e) {
            reportError("cannot format a log record", e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        try {
            synchronized (channel) {
                channel.send(ByteBuffer.wrap(datagram), address);
            }
        } catch (IOException | RuntimeException e) {
            fallback.publish(record);
        }
    }

    byte[] encode(LogRecord record) {
        String message = formatter.format(record);
        if (message.endsWith("\n")) {
            message = message.substring(0, message.length() - 1);
        }
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + " [cut]";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        field(out, "MESSAGE", message);
        field(out, "PRIORITY", Integer.toString(JournalLineFormatter.priority(record.getLevel().intValue())));
        field(out, "SYSLOG_IDENTIFIER", "vmnetd");
        for (Map.Entry<String, String> f : LogFields.of(record).entrySet()) {
            field(out, f.getKey(), f.getValue());
        }
        return out.toByteArray();
    }

    /** KEY=value, or for a value with a newline KEY, its length as 64-bit little endian, the bytes. */
    private static void field(ByteArrayOutputStream out, String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.US_ASCII);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(k);
        if (value.indexOf('\n') < 0) {
            out.write('=');
            out.writeBytes(v);
        } else {
            out.write('\n');
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v.length).array());
            out.writeBytes(v);
        }
        out.write('\n');
    }

    @Override
    public void flush() {
        fallback.flush();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing at exit
        }
        fallback.close();
    }
}
