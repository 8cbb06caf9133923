package io.vmnetd.daemon.bench;

import static io.vmnetd.daemon.bench.Timings.ms;
import static io.vmnetd.daemon.bench.Timings.ratio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The bench's output: report lines go to stdout and into the report file; progress lines, stamped with the time since
 * the start, go to stdout only and are flushed at once, so that a long run shows where it is.
 */
final class BenchReport {
    private final StringBuilder text = new StringBuilder();
    private final long startMillis = System.currentTimeMillis();

    void line(String format, Object... args) {
        String s = String.format(Locale.ROOT, format, args);
        text.append(s).append('\n');
        System.out.println(s);
    }

    /** One row of the vmnet/ref table, times in ns. */
    void row(String name, long vmnet, long ref) {
        line("%-34s %12s %12s %9.2f", name, ms(vmnet), ms(ref), ratio(vmnet, ref));
    }

    void progress(String format, Object... args) {
        System.out.printf(Locale.ROOT, "  [%5.1f s] %s%n", (System.currentTimeMillis() - startMillis) / 1e3,
                String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    void writeTo(Path out) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, text.toString());
    }
}
