package io.vmnetd.daemon.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a process's resident memory is, read from {@code /proc/PID/smaps}: the kernel's own account of every
 * mapping's resident pages, which NMT cannot give (NMT knows nothing of libjvm's text, and counts a class-data
 * archive as committed whether its pages are resident or not). Mappings are grouped by what they map; the anonymous
 * ones are listed on their own when large (the Java heap, the code cache and malloc arenas are each one such range).
 */
final class ResidentMemory {
    /** One mapping: its address range, what it maps ({@code [anon]} when nothing), its size and resident KiB. */
    record Mapping(String range, String name, long sizeKib, long rssKib, long anonKib) {
    }

    private static final long LISTED_ANON_KIB = 1024;

    private ResidentMemory() {
    }

    static List<Mapping> read(long pid) throws IOException {
        List<Mapping> mappings = new ArrayList<>();
        String range = null;
        String name = null;
        long size = 0;
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 5 && f[0].contains("-") && !f[0].endsWith(":")) {
                range = f[0];
                name = f.length >= 6 ? f[5] : "[anon]";
            } else if (f[0].equals("Size:")) {
                size = Long.parseLong(f[1]);
            } else if (f[0].equals("Rss:")) {
                rss = Long.parseLong(f[1]);
            } else if (f[0].equals("Anonymous:")) {
                mappings.add(new Mapping(range, name, size, rss, Long.parseLong(f[1])));
            }
        }
        return mappings;
    }

    /** Report lines: resident KiB per mapped file or kind, largest first, then the large anonymous ranges. */
    static List<String> describe(List<Mapping> mappings) {
        Map<String, long[]> byName = new LinkedHashMap<>();
        long total = 0;
        for (Mapping m : mappings) {
            long[] sum = byName.computeIfAbsent(m.name(), n -> new long[2]);
            sum[0] += m.rssKib();
            sum[1] += m.anonKib();
            total += m.rssKib();
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%8.1f MiB resident in all (smaps: MiB resident, of it anonymous, what it maps)",
                total / 1024.0));
        byName.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0]).reversed())
                .filter(e -> e.getValue()[0] >= 256)
                .forEach(e -> lines.add(String.format("%8.1f %8.1f  %s", e.getValue()[0] / 1024.0,
                        e.getValue()[1] / 1024.0, e.getKey())));
        mappings.stream().filter(m -> m.name().equals("[anon]") && m.rssKib() >= LISTED_ANON_KIB)
                .sorted(Comparator.comparingLong(Mapping::rssKib).reversed())
                .forEach(m -> lines.add(String.format("%8.1f of %6.1f  [anon] %s", m.rssKib() / 1024.0,
                        m.sizeKib() / 1024.0, m.range())));
        return lines;
    }
}
