package io.vmnetd.netlink.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs the netlink benchmarks ({@link VethChurnBench}, {@link VidSetBench}) in one JMH run and prints, from JMH's
 * results, each side's time and the library/iproute2 ratio against its target; also writes that report to a file.
 *
 * <pre>
 * NetlinkBench [--out FILE] [--results FILE] [--include REGEX] [--smoke]
 *   --out FILE       the report (default target/bench/netlink.txt; JMH's JSON goes next to it)
 *   --results FILE   also the named figures, one a line: NAME VALUE UNIT REF TARGET (appended), which
 *                    scripts/lib/bench-netlink.sh hands to bench_result
 *   --include REGEX  only the benchmarks matching REGEX (JMH's -include), e.g. VethChurn
 *   --smoke          one measurement iteration and no warmup: checks the harness, measures nothing
 * </pre>
 *
 * Exit status: 0 when every target is met, 1 when one is missed, 2 on bad arguments or a kernel that cannot run
 * the selected benchmarks (VidSetBench needs bridge VLAN filtering and dummy: run it inside scripts/lab).
 */
public final class NetlinkBench {
    private static final String VETH = VethChurnBench.class.getName();
    private static final String VIDS = VidSetBench.class.getName();
    /** The benchmark JVMs: the normal tiered JIT (the warmup iterations let C2 compile the library's hot paths). */
    private static final String[] FORK_JVM_ARGS = {"-XX:+UseSerialGC", "-Xss1m"};
    private static final double VETH_TARGET = 1.00;
    private static final double VID_TARGET = 0.20;

    /** The figure the veth churn gives, as {@code scripts/bench} names it. */
    static final String VETH_RESULT = "netlink.veth1000.ratio";

    private final List<String> report = new ArrayList<>();
    private final List<String> figures = new ArrayList<>();
    private int missed;

    public static void main(String[] args) throws Exception {
        Path out = Path.of("target/bench/netlink.txt");
        Path resultsFile = null;
        String include = VETH + "|" + VIDS;
        boolean smoke = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i));
                case "--results" -> resultsFile = Path.of(value(args, ++i));
                case "--include" -> include = value(args, ++i);
                case "--smoke" -> smoke = true;
                default -> usage("unknown argument " + args[i]);
            }
        }
        System.exit(new NetlinkBench().run(out, resultsFile, include, smoke));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("NetlinkBench: " + problem);
        System.err.println("usage: NetlinkBench [--out FILE] [--results FILE] [--include REGEX] [--smoke]");
        System.exit(2);
    }

    private int run(Path out, Path resultsFile, String include, boolean smoke) throws RunnerException, IOException {
        boolean vids = matches(include, VIDS);
        if (vids && !kernelHasVlanFiltering()) {
            System.err.println("NetlinkBench: this kernel cannot make a vlan_filtering bridge with a dummy port;"
                    + " VidSetBench needs the kernel lab (scripts/bench runs everything inside scripts/lab)");
            return 2;
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Path json = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.txt$", "") + "-jmh.json");
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .jvmArgs(FORK_JVM_ARGS)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.NORMAL)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
        if (smoke) {
            options.warmupIterations(0).measurementIterations(1);
        }
        Instant start = Instant.now();
        Collection<RunResult> results;
        try {
            results = new Runner(options.build()).run();
        } finally {
            List<String> strays = BenchNetns.deleteLeftovers();
            if (!strays.isEmpty()) {
                System.err.println("NetlinkBench: deleted namespaces left behind: " + strays);
            }
        }
        Duration took = Duration.between(start, Instant.now());

        header(took, smoke);
        table(results);
        line("");
        if (matches(include, VETH)) {
            vethVerdict(results);
        }
        if (vids) {
            vidVerdict(results);
        }
        line(missed == 0 ? "result: every target met" : "result: " + missed + " target(s) missed");

        String text = String.join("\n", report) + "\n";
        System.out.println();
        System.out.print(text);
        Files.writeString(out, text, StandardCharsets.UTF_8);
        if (resultsFile != null && !figures.isEmpty()) {
            Files.writeString(resultsFile, String.join("\n", figures) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
        System.out.println("written to " + out + " (JMH's own results: " + json + ")");
        return missed == 0 ? 0 : 1;
    }

    private static boolean matches(String include, String benchmarkClass) {
        return java.util.regex.Pattern.compile(include).matcher(benchmarkClass + ".library").find();
    }

    /** Whether a vlan_filtering bridge with a dummy port can be made here (it cannot on a kernel without them). */
    private static boolean kernelHasVlanFiltering() {
        try (BenchNetns ns = BenchNetns.create()) {
            ns.ip("link", "add", "br0", "type", "bridge", "vlan_filtering", "1");
            ns.ip("link", "add", "d0", "type", "dummy");
            ns.ip("link", "set", "d0", "master", "br0");
            ns.ip("link", "del", "d0");
            ns.ip("link", "del", "br0");
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private void header(Duration took, boolean smoke) {
        line("vmnetd netlink benchmarks, " + DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                Instant.now().atOffset(ZoneOffset.UTC).withNano(0)) + " UTC"
                + (smoke ? "  (SMOKE RUN: no warmup, one iteration; the numbers mean nothing)" : ""));
        line("kernel " + System.getProperty("os.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " CPUs, Java " + System.getProperty("java.vm.version") + ", " + iproute2());
        line("JMH SingleShotTime, 1 fork per benchmark, fork JVM " + String.join(" ", FORK_JVM_ARGS)
                + "; JMH run " + took.toSeconds() + " s");
        line("");
    }

    /** "iproute2-6.1.0" from {@code ip -V}. */
    private static String iproute2() {
        try {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("iproute2-\\S+?(?=,|\\s|$)")
                    .matcher(BenchNetns.run(List.of("ip", "-V")));
            return m.find() ? m.group() : "iproute2 ?";
        } catch (RuntimeException e) {
            return "iproute2 ?";
        }
    }

    private void table(Collection<RunResult> results) {
        line(String.format(Locale.ROOT, "%-44s %3s %10s %9s %10s %10s  %s", "benchmark", "n", "mean ms", "sd ms",
                "min ms", "max ms", "per iteration"));
        for (RunResult r : results) {
            Statistics s = r.getPrimaryResult().getStatistics();
            StringBuilder extra = new StringBuilder();
            for (String counter : r.getSecondaryResults().keySet()) {
                Statistics x = r.getSecondaryResults().get(counter).getStatistics();
                extra.append(String.format(Locale.ROOT, "%s %s  ", counter,
                        x.getMin() == x.getMax() ? number(x.getMin()) : number(x.getMean()) + " (" + number(x.getMin())
                                + ".." + number(x.getMax()) + ")"));
            }
            line(String.format(Locale.ROOT, "%-44s %3d %10.1f %9.1f %10.1f %10.1f  %s", name(r), s.getN(),
                    s.getMean(), s.getN() > 1 ? s.getStandardDeviation() : 0.0, s.getMin(), s.getMax(),
                    extra.toString().strip()));
        }
    }

    private static String name(RunResult r) {
        String b = r.getParams().getBenchmark();
        String shortName = b.substring(b.lastIndexOf('.', b.lastIndexOf('.') - 1) + 1);
        String vids = r.getParams().getParam("vids");
        return vids == null ? shortName : shortName + " vids=" + vids;
    }

    private void vethVerdict(Collection<RunResult> results) {
        Optional<RunResult> lib = find(results, VETH + ".library", null);
        Optional<RunResult> ip = find(results, VETH + ".ipBatch", null);
        if (lib.isEmpty() || ip.isEmpty()) {
            line("veth " + VethChurnBench.PAIRS + " pairs: not measured on both sides");
            missed++;
            return;
        }
        Statistics l = lib.get().getPrimaryResult().getStatistics();
        Statistics i = ip.get().getPrimaryResult().getStatistics();
        line(String.format(Locale.ROOT, "veth %d pairs: library %s ms, ip -batch %s ms, ratio %s (target <= %.2f) %s",
                VethChurnBench.PAIRS, number(l.getMean()), number(i.getMean()), ratio(l, i), VETH_TARGET,
                verdict(l, i, VETH_TARGET)));
        result(VETH_RESULT, l.getMean() / i.getMean(), "x", i.getMean(), VETH_TARGET);
        for (String phase : List.of("create", "delete")) {
            double lp = aux(lib.get(), phase + "Ms");
            double ipp = aux(ip.get(), phase + "Ms");
            line(String.format(Locale.ROOT, "  %s phase: library %s ms (%s ms/pair), ip -batch %s ms, ratio %.3f",
                    phase, number(lp), number(lp / VethChurnBench.PAIRS), number(ipp), lp / ipp));
        }
    }

    private void vidVerdict(Collection<RunResult> results) {
        String all = VidSetBench.ALL.toString();
        Optional<RunResult> lib = find(results, VIDS + ".library", all);
        Optional<RunResult> small = find(results, VIDS + ".library", "2-100");
        Optional<RunResult> bridge = find(results, VIDS + ".bridgeBatch", null);
        if (lib.isEmpty() || bridge.isEmpty()) {
            line("VIDs " + all + ": not measured on both sides");
            missed++;
            return;
        }
        Statistics l = lib.get().getPrimaryResult().getStatistics();
        Statistics b = bridge.get().getPrimaryResult().getStatistics();
        line(String.format(Locale.ROOT, "VIDs %s: library %s ms in %s, bridge -batch %s ms (%d commands), ratio %s"
                        + " (target <= %.2f) %s", all, number(l.getMean()), messages(lib.get()), number(b.getMean()),
                VidSetBench.ALL.size(), ratio(l, b), VID_TARGET, verdict(l, b, VID_TARGET)));
        List<String> counts = new ArrayList<>();
        boolean constant = oneMessageEachTime(lib.get());
        counts.add(all + ": " + messages(lib.get()));
        if (small.isPresent()) {
            Statistics s = small.get().getPrimaryResult().getStatistics();
            constant &= oneMessageEachTime(small.get());
            counts.add("2-100: " + messages(small.get()) + " (" + number(s.getMean()) + " ms)");
        } else {
            constant = false;
            counts.add("2-100: not measured");
        }
        if (!constant) {
            missed++;
        }
        line("  netlink messages per add: " + String.join(", ", counts) + " (target: 1 whatever the range) "
                + (constant ? "OK" : "MISS"));
    }

    /**
     * A named figure for {@code --results}, one "NAME VALUE UNIT REF TARGET" line (target as {@code <=limit}):
     * scripts/lib/bench-results.sh judges it and prints its RESULT line; the report shows the figure plainly.
     */
    private void result(String name, double value, String unit, double ref, double target) {
        String v = String.format(Locale.ROOT, "%.3f", value);
        String r = String.format(Locale.ROOT, "%.1f", ref);
        String t = String.format(Locale.ROOT, "<=%.1f", target);
        line("  " + name + " " + v + " " + unit + " (ref " + r + ", target " + t + ")");
        figures.add(String.join(" ", name, v, unit, r, t));
    }

    private static Optional<RunResult> find(Collection<RunResult> results, String benchmark, String vids) {
        return results.stream().filter(r -> r.getParams().getBenchmark().equals(benchmark))
                .filter(r -> vids == null || vids.equals(r.getParams().getParam("vids"))).findFirst();
    }

    /** The mean of a per-iteration counter over the measurement iterations. */
    private static double aux(RunResult r, String counter) {
        Result<?> x = r.getSecondaryResults().get(counter);
        return x == null ? Double.NaN : x.getStatistics().getMean();
    }

    private static boolean oneMessageEachTime(RunResult r) {
        Result<?> x = r.getSecondaryResults().get("messages");
        return x != null && x.getStatistics().getN() > 0 && x.getStatistics().getMin() == 1
                && x.getStatistics().getMax() == 1;
    }

    private static String messages(RunResult r) {
        Result<?> x = r.getSecondaryResults().get("messages");
        if (x == null) {
            return "? messages";
        }
        Statistics s = x.getStatistics();
        String n = s.getMin() == s.getMax() ? number(s.getMin()) : number(s.getMin()) + ".." + number(s.getMax());
        return n + (s.getMax() == 1 ? " message" : " messages");
    }

    private static String ratio(Statistics library, Statistics tool) {
        double r = library.getMean() / tool.getMean();
        return r < 0.1 ? String.format(Locale.ROOT, "%.3f", r) : String.format(Locale.ROOT, "%.2f", r);
    }

    /**
     * OK or MISS against {@code target}; a miss whose ratio is within the iterations' spread (one standard
     * deviation of each side, combined) of the target says so.
     */
    private String verdict(Statistics library, Statistics tool, double target) {
        double r = library.getMean() / tool.getMean();
        if (r <= target) {
            return "OK";
        }
        missed++;
        double spread = r * Math.hypot(relativeSd(library), relativeSd(tool));
        return r - spread <= target ? String.format(Locale.ROOT, "MISS (within noise: +-%.2f)", spread) : "MISS";
    }

    private static double relativeSd(Statistics s) {
        return s.getN() > 1 ? s.getStandardDeviation() / s.getMean() : 0;
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "?";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }

    private void line(String s) {
        report.add(s);
    }
}
