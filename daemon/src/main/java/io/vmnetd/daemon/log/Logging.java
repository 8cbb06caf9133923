package io.vmnetd.daemon.log;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sets up java.util.logging for a systemd service: one line per event on stdout, which the unit sends to the
 * journal. Levels are the configuration's {@code logLevel} values. Netty, which logs through JUL when nothing else
 * is present, stays at warn whatever the daemon's level, because its debug output is about netty's internals.
 */
public final class Logging {

    /** The configuration's level names, as JUL levels. */
    public static final Map<String, Level> LEVELS = Map.of(
            "error", Level.SEVERE, "warn", Level.WARNING, "info", Level.INFO, "debug", Level.FINE);

    // JUL keeps loggers weakly: without these references the levels set on them could be forgotten.
    private static final Logger ROOT = Logger.getLogger("");
    private static final Logger NETTY = Logger.getLogger("io.netty");

    private static LineHandler handler;
    /** The native journal's formatter, when events go there (see {@link #configure(String)}). */
    private static JournalLineFormatter journalFormatter;

    private Logging() {}

    /**
     * At start: when stdout is the journal (systemd sets JOURNAL_STREAM), events go to journald's native socket, with
     * their {@link LogFields}, and to stdout with priority prefixes only when that socket fails; otherwise to stdout.
     */
    public static synchronized void configure(String level) {
        boolean journal = System.getenv("JOURNAL_STREAM") != null;
        configure(level, System.out, journal);
        if (journal) {
            JournalLineFormatter formatter = new JournalLineFormatter(false);
            JournalHandler toJournal = JournalHandler.open(JournalHandler.SOCKET, formatter, handler);
            if (toJournal != null) {
                ROOT.removeHandler(handler);
                ROOT.addHandler(toJournal);
                journalFormatter = formatter;
                setLevel(level);
            }
        }
    }

    /** As {@link #configure(String)} onto {@code out}; replaces every handler on the root logger. */
    public static synchronized void configure(String level, PrintStream out, boolean journalPriorities) {
        for (Handler existing : ROOT.getHandlers()) {
            ROOT.removeHandler(existing);
            existing.close();
        }
        journalFormatter = null;
        handler = new LineHandler(out, new JournalLineFormatter(journalPriorities));
        ROOT.addHandler(handler);
        NETTY.setLevel(Level.WARNING);
        setLevel(level);
    }

    /**
     * At reload: changes the level without touching the output.
     *
     * @throws IllegalArgumentException for a name not in {@link #LEVELS}
     */
    public static synchronized void setLevel(String level) {
        Level jul = LEVELS.get(level.toLowerCase(Locale.ROOT));
        if (jul == null) {
            throw new IllegalArgumentException("unknown log level \"" + level + "\"; allowed: error, warn, info, debug");
        }
        ROOT.setLevel(jul);
        if (handler != null) {
            handler.formatter.setStackTraces(jul.intValue() <= Level.FINE.intValue());
        }
        if (journalFormatter != null) {
            journalFormatter.setStackTraces(jul.intValue() <= Level.FINE.intValue());
        }
    }

    /** Flushes the output; lines are flushed as written, so this matters only for a caller's own prints. */
    public static synchronized void flush() {
        if (handler != null) {
            handler.flush();
        }
    }

    /** Writes and flushes each line at once, so that nothing sits in a buffer when the process dies. */
    private static final class LineHandler extends Handler {
        private final PrintStream out;
        private final JournalLineFormatter formatter;

        LineHandler(PrintStream out, JournalLineFormatter formatter) {
            this.out = out;
            this.formatter = formatter;
            setFormatter(formatter);
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            if (!isLoggable(record)) {
                return;
            }
            String line;
            try {
                line = formatter.format(record);
            } catch (RuntimeException e) {
                reportError("cannot format a log record", e, ErrorManager.FORMAT_FAILURE);
                return;
            }
            synchronized (out) {
                out.print(line);
                out.flush();
            }
        }

        @Override
        public void flush() {
            out.flush();
        }

        // System.out is not ours to close.
        @Override
        public void close() {
            flush();
        }
    }
}
