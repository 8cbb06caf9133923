package io.vmnetd.cli.command;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Ages as kubectl shows them: 45s, 3m12s, 5h3m, 2d4h. */
final class Durations {
    private Durations() {}

    static String human(long seconds) {
        if (seconds < 0) {
            return "0s";
        }
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
        }
        if (seconds < 86400) {
            return seconds / 3600 + "h" + (seconds % 3600 / 60 == 0 ? "" : seconds % 3600 / 60 + "m");
        }
        return seconds / 86400 + "d" + (seconds % 86400 / 3600 == 0 ? "" : seconds % 86400 / 3600 + "h");
    }

    /** The age of an ISO-8601 instant; the text itself when it is not one. */
    static String age(String instant) {
        try {
            return human(Duration.between(Instant.parse(instant), Instant.now()).toSeconds());
        } catch (DateTimeParseException e) {
            return instant;
        }
    }
}
