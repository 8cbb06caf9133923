package io.vmnetd.daemon.log;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One line per event, {@code LEVEL Logger: message}, because journald makes each line its own entry: a stack trace
 * would become dozens of unrelated entries. Exceptions are summarised as their class-and-message chain; the stack
 * trace is added only when debugging. journald adds the time stamp, so there is none.
 */
final class JournalLineFormatter extends Formatter {

    private static final int MAX_CAUSES = 10;

    /** Longer messages are cut: a caller's 500 KB container id must not become a 500 KB log line. */
    static final int MAX_MESSAGE = 4096;

    private final boolean priorityPrefix;
    private volatile boolean stackTraces;

    /** @param priorityPrefix start lines with sd-daemon's {@code <N>} so journald records the right priority */
    JournalLineFormatter(boolean priorityPrefix) {
        this.priorityPrefix = priorityPrefix;
    }

    void setStackTraces(boolean stackTraces) {
        this.stackTraces = stackTraces;
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(128);
        int level = record.getLevel().intValue();
        if (priorityPrefix) {
            line.append('<').append(priority(level)).append('>');
        }
        line.append(levelName(level)).append(' ').append(shortName(record.getLoggerName())).append(": ");
        // A record that carries LogFields has a plain message, not a MessageFormat pattern.
        line.append(oneLine(LogFields.carriesFields(record) ? record.getMessage() : formatMessage(record)));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            line.append(": ").append(chain(thrown));
        }
        line.append('\n');
        if (thrown != null && stackTraces) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    static String levelName(int level) {
        if (level >= Level.SEVERE.intValue()) {
            return "ERROR";
        } else if (level >= Level.WARNING.intValue()) {
            return "WARN";
        } else if (level >= Level.INFO.intValue()) {
            return "INFO";
        }
        return "DEBUG";
    }

    /** syslog's priority for a JUL level: 3 error, 4 warning, 6 info, 7 debug. */
    static int priority(int level) {
        if (level >= Level.SEVERE.intValue()) {
            return 3;
        } else if (level >= Level.WARNING.intValue()) {
            return 4;
        } else if (level >= Level.INFO.intValue()) {
            return 6;
        }
        return 7;
    }

    private static String shortName(String loggerName) {
        if (loggerName == null || loggerName.isEmpty()) {
            return "vmnetd";
        }
        return loggerName.substring(loggerName.lastIndexOf('.') + 1);
    }

    /** {@code IOException: a; caused by ErrnoException: b}, stopping at a cycle or after a sane depth. */
    static String chain(Throwable thrown) {
        StringBuilder text = new StringBuilder();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable current = thrown;
        for (int depth = 0; current != null && seen.put(current, true) == null && depth < MAX_CAUSES; depth++) {
            if (depth > 0) {
                text.append("; caused by ");
            }
            text.append(current.getClass().getSimpleName());
            if (current.getMessage() != null) {
                text.append(": ").append(oneLine(current.getMessage()));
            }
            current = current.getCause();
        }
        return text.toString();
    }

    /**
     * One line, safe for a terminal: line breaks become " | ", other control characters (a container id may carry
     * terminal escapes) are written as \\xNN, and a message longer than {@value #MAX_MESSAGE} characters is cut.
     */
    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String flat = text.strip().replace("\r\n", " | ").replace('\r', ' ').replace("\n", " | ");
        StringBuilder out = new StringBuilder(Math.min(flat.length(), MAX_MESSAGE) + 16);
        for (int i = 0; i < flat.length(); i++) {
            if (out.length() >= MAX_MESSAGE) {
                return out.append("… (").append(flat.length() - i).append(" more characters)").toString();
            }
            char c = flat.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
