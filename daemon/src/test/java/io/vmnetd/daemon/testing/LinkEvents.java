package io.vmnetd.daemon.testing;

import io.vmnetd.netlink.testing.Shell;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ip -ts -o monitor link} in the root namespace: every link notification (bridge VLAN changes included, as
 * AF_BRIDGE link messages) with the time iproute2 received it. Lets a test time what the kernel did to the
 * microsecond, instead of to the period of a poll that costs two process starts (~0.5 s in the TCG lab).
 */
public final class LinkEvents implements AutoCloseable {
    private static final Pattern LINE = Pattern.compile("^\\[(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+)]\\s*(.*)$");

    /** One notification: when iproute2 got it, and its one-line text ("Deleted 5: data-br: <...> mtu ..."). */
    public record Event(Instant at, String text) {
        /** True when the notification is about link {@code dev}. */
        public boolean isAbout(String dev) {
            return device().equals(dev);
        }

        /** The link's name ("" when the line names none). */
        public String device() {
            Matcher m = DEVICE.matcher(text);
            return m.find() ? m.group(1) : "";
        }

        /**
         * The text without what the kernel changes on its own after a change (carrier, operstate), plus whether
         * it is a bridge-family (port) message: two notifications of a link that are equal in this only differ
         * in carrier.
         */
        public String withoutCarrier() {
            String family = text.contains(" qdisc ") || text.startsWith("Deleted ") ? "link " : "bridge ";
            return family + text.replaceAll("\\b(LOWER_UP|NO-CARRIER|DORMANT|M-DOWN),?", "")
                    .replaceAll(",>", ">").replaceAll(" state \\S+", "");
        }
    }

    private static final Pattern DEVICE = Pattern.compile("^(?:Deleted )?\\d+: ([^:@ ]+)(?:@\\S+)?: ");

    private final Process process;
    private final List<Event> events = new ArrayList<>();
    private final Thread reader;

    private LinkEvents(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "link-events");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Starts the monitor and returns once it is seen to receive (a marker bridge it made was reported). */
    public static LinkEvents start() {
        Process p;
        try {
            p = new ProcessBuilder("ip", "-ts", "-o", "monitor", "link").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run ip monitor: " + e.getMessage(), e);
        }
        LinkEvents m = new LinkEvents(p);
        for (int attempt = 0; attempt < 30; attempt++) {
            Shell.run("ip", "link", "add", "evmark", "type", "bridge");
            Shell.run("ip", "link", "del", "evmark");
            if (m.await(e -> e.isAbout("evmark"), Duration.ofMillis(500))) {
                return m;
            }
        }
        m.close();
        throw new IllegalStateException("ip monitor reported nothing");
    }

    /** The notifications received at or after {@code from}, in order. */
    public List<Event> since(Instant from) {
        synchronized (events) {
            return events.stream().filter(e -> !e.at().isBefore(from)).toList();
        }
    }

    public List<Event> all() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Waits until a notification matching {@code test} has arrived. */
    public boolean await(java.util.function.Predicate<Event> test, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (events.stream().noneMatch(test)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    events.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    continue; // e.g. a continuation ip printed without a timestamp
                }
                Instant at = LocalDateTime.parse(m.group(1)).atZone(ZoneId.systemDefault()).toInstant();
                synchronized (events) {
                    events.add(new Event(at, m.group(2)));
                    events.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process was stopped
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
