package io.vmnetd.daemon.bench;

import static io.vmnetd.daemon.bench.PluginExec.exec;
import static io.vmnetd.daemon.bench.Timings.ms;
import static io.vmnetd.daemon.bench.Timings.pct;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.testing.UnixHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How vmnetd's costs grow with the ports on a node: with {@code --scale} (10, 100, 1000) pods attached through the
 * vmnet shim, in that order and by adding to the same node, it measures at each level
 * <ul>
 *   <li>ADD latency (p50 of {@code --scale-samples} sequential ADDs, each deleted again, untimed, before the next);
 *   <li>a no-op resync: {@code POST /v1/networks/NET/check} reconciles the whole cluster network now (reads every
 *       link and VLAN of the node, as the periodic resync does), median of 5. The figure is the check's round trip
 *       as this client sees it (HTTP included, so never less than the daemon's own time); the daemon's own time,
 *       {@code lastReconcile.millis} of {@code GET /v1/status}, is reported beside it when the last reconcile is
 *       still the check's (a port's link event may have run one since);
 *   <li>one drift repair: VLAN {@code --vlan} taken off one pod port with iproute2, then the same check, which must
 *       report the repair; iproute2 then shows the VLAN back;
 *   <li>the daemon's RSS and threads ({@code /proc/PID/status}), and at the last level its native memory summary
 *       (jcmd VM.native_memory, when the daemon runs with -XX:NativeMemoryTracking=summary), its resident memory
 *       by mapping (smaps) and its heap (jcmd GC.heap_info).
 * </ul>
 * Pods live in the pre-made namespaces {@code <prefix>scale-0..} (the last level plus the samples). Every level is
 * checked with iproute2 (port count, VLAN as untagged PVID, port up); at the end every pod is deleted again and
 * the bridge must have no port left.
 */
final class CniScaling {
    /**
     * One level's figures; times in ns, except the daemon's own reconcile times (ms, as it reports them; -1 when the
     * last reconcile was no longer the check's).
     */
    record Level(int ports, long[] addNanos, Samples samples, double kernelMillisPerPort, long noopMillis,
                 long noopRoundTripNanos, long repairMillis, long repairRoundTripNanos, long rssKib, int threads) {
        long addP50() {
            return pct(addNanos, 50);
        }
    }

    private static final Pattern PORT_LINE = Pattern.compile("^\\d+: ([^:@]+)[@:]", Pattern.MULTILINE);

    private final CniBenchOptions o;
    private final BenchReport report;
    private final CniPlugin pods;
    private final UnixHttp api;
    private final String network;
    private int attached;

    CniScaling(CniBenchOptions o, BenchReport report, CniPlugin pods, String network) {
        this.o = o;
        this.report = report;
        this.pods = pods;
        this.network = network;
        this.api = new UnixHttp(Path.of(o.socket));
    }

    List<Level> run() throws Exception {
        List<Level> levels = new ArrayList<>();
        int top = o.scaleLevels[o.scaleLevels.length - 1];
        try (KernelPortFloor kernel = new KernelPortFloor(o.vlan)) {
            for (int level : o.scaleLevels) {
                levels.add(level(level, top, kernel));
            }
        }
        String nmt = jcmd("VM.native_memory", "summary");
        List<String> resident = ResidentMemory.describe(ResidentMemory.read(o.daemonPid));
        String heap = jcmd("GC.heap_info");
        jcmd("GC.run");     // what of the heap is live: after a full collection
        String liveHeap = jcmd("GC.heap_info");
        String histogram = jcmd("GC.class_histogram").lines().limit(25).collect(Collectors.joining("\n"));
        detachAll();
        printTable(levels, nmt);
        printMemory(levels.get(levels.size() - 1).ports(), resident, heap, liveHeap, histogram);
        return levels;
    }

    /** One level: pods attached up to it, then its figures (the kernel's port add with {@code kernel}). */
    private Level level(int level, int top, KernelPortFloor kernel) throws Exception {
        attachUpTo(level);
        BridgePortCheck.verify(pods, level, o.vlan);
        Samples adds = addSamples(top);
        BridgePortCheck.verify(pods, level, o.vlan);
        // "ip -6 addr show master BRIDGE" listed lo, the bonds and the bridges too (lab, iproute2 6.1): the ports'
        // names pick their lines out.
        Set<String> ports = new HashSet<>(BridgePortCheck.ports(pods));
        List<String> withIpv6 = exec(List.of("ip", "-o", "-6", "addr", "show"), Map.of(), new byte[0]).stdout().lines()
                .map(l -> l.trim().replaceAll("\\s+", " "))
                .filter(l -> {
                    String[] fields = l.split(" ");
                    return fields.length > 1 && ports.contains(fields[1].replaceAll("@.*", ""));
                })
                .toList();
        report.line("%d ports: IPv6 addresses on %s's %d veth ports (ip -o -6 addr show): %d%s", level, pods.bridge(),
                ports.size(), withIpv6.size(), withIpv6.isEmpty() ? "" : "\n  " + String.join("\n  ", withIpv6));
        double kernelMillis = kernel.millisPerPortAt(level);
        Thread.sleep(o.settleMillis);
        long[] noop = noopResync();
        long[] repair = driftRepair();
        Thread.sleep(o.settleMillis);
        Map<String, Long> status = procStatus();
        Level l = new Level(level, adds.nanos(), adds, kernelMillis, noop[0], noop[1], repair[0], repair[1],
                status.get("VmRSS"), status.get("Threads").intValue());
        report.progress("%d ports: ADD p50 %s ms (vmnetd's own %.1f, the kernel's port add alone %.1f), no-op resync "
                + "%s ms (own %s), repair %s ms (own %s), RSS %d MiB, %d threads", level, ms(l.addP50()),
                adds.ownP50(), kernelMillis, ms(l.noopRoundTripNanos()), own(l.noopMillis()),
                ms(l.repairRoundTripNanos()), own(l.repairMillis()), l.rssKib() / 1024, l.threads());
        return l;
    }

    /** Parallel ADDs, {@code --parallel} at a time (untimed), until {@code level} pods are attached. */
    private void attachUpTo(int level) throws InterruptedException {
        report.progress("scaling: attaching pods %d..%d", attached, level - 1);
        while (attached < level) {
            int n = Math.min(o.parallel, level - attached);
            pods.parallel("ADD", "scale-", new long[n], attached);
            attached += n;
        }
        Thread.sleep(o.settleMillis * 4);
    }

    /**
     * The sampled ADDs' times, and what the daemon says of each (its metrics scraped after every ADD, outside the
     * timing): its own time for the ADD, the reconciles that ran meanwhile (count, ms), and the JVM's GC pauses
     * (count, ms), NaN where a scrape failed; and, just before each ADD, the node's floors at that moment: an exec of
     * /bin/true (the harness's spawn) and a STATUS call (the shim, its socket, HTTP and two netlink GETs in vmnetd).
     * Whether a slower ADD at a level is vmnetd's, the kernel's or the node's.
     */
    record Samples(long[] nanos, double[] ownMillis, double[] reconciles, double[] reconcileMillis, double[] gcPauses,
                   double[] gcMillis, long[] spawnNanos, long[] statusNanos) {
        double ownP50() {
            return Arrays.stream(ownMillis).sorted().skip(ownMillis.length / 2).findFirst().orElse(Double.NaN);
        }

        double total(double[] values) {
            return Arrays.stream(values).sum();
        }
    }

    /**
     * Sequential ADDs into the namespaces after the last level's, each deleted again (untimed) before the next: the
     * level's port count stays as it is (and a bridge takes at most 1023 ports: 1000 pods, the uplink and 22 more).
     */
    private Samples addSamples(int firstFree) throws InterruptedException {
        int n = o.scaleSamples;
        Samples s = new Samples(new long[n], new double[n], new double[n], new double[n], new double[n],
                new double[n], new long[n], new long[n]);
        for (int i = 0; i < n; i++) {
            s.spawnNanos()[i] = exec(List.of("/bin/true"), Map.of(), new byte[0]).nanos();
            s.statusNanos()[i] = pods.status().nanos();
            VmnetdMetrics before = VmnetdMetrics.scrape(o.socket);
            s.nanos()[i] = pods.add("scale-sample-" + attached + "-" + i, firstFree + i).nanos();
            VmnetdMetrics after = VmnetdMetrics.scrape(o.socket);
            DaemonStats d = DaemonStats.between(before, after, "ADD");
            boolean read = d.complete();
            s.ownMillis()[i] = read ? d.seconds() * 1000 : Double.NaN;
            s.reconciles()[i] = read ? d.reconciles() : Double.NaN;
            s.reconcileMillis()[i] = read ? d.reconcileSeconds() * 1000 : Double.NaN;
            s.gcPauses()[i] = read ? after.sumMatching("jvm_gc_pause_seconds_count")
                    - before.sumMatching("jvm_gc_pause_seconds_count") : Double.NaN;
            s.gcMillis()[i] = read ? (after.sumMatching("jvm_gc_pause_seconds_sum")
                    - before.sumMatching("jvm_gc_pause_seconds_sum")) * 1000 : Double.NaN;
            pods.del("scale-sample-" + attached + "-" + i, firstFree + i);
        }
        Thread.sleep(o.settleMillis);
        return s;
    }

    /** Median over 5 checks of a node as declared: {daemon's ms (-1: unknown), round trip ns}. */
    private long[] noopResync() throws IOException {
        List<Long> daemon = new ArrayList<>();
        long[] roundTrip = new long[5];
        for (int i = 0; i < roundTrip.length; i++) {
            long t0 = System.nanoTime();
            JsonNode r = check();
            roundTrip[i] = System.nanoTime() - t0;
            if (!r.path("applied").isEmpty() || !"ok".equals(r.path("result").asText())) {
                throw new IllegalStateException("a check of an undisturbed node changed or found something: " + r);
            }
            long own = lastCheckMillis();
            if (own >= 0) {
                daemon.add(own);
            }
        }
        return new long[] {daemon.isEmpty() ? -1 : Timings.median(daemon), pct(roundTrip, 50)};
    }

    /** VLAN taken off one pod port, then a check that must repair it: {daemon's ms, round trip ns}. */
    private long[] driftRepair() throws IOException, InterruptedException {
        String port = firstPort();
        for (int attempt = 1; ; attempt++) {
            PluginExec.Call del = exec(List.of("bridge", "vlan", "del", "dev", port, "vid", String.valueOf(o.vlan)),
                    Map.of(), new byte[0]);
            if (del.exit() != 0) {
                throw new IllegalStateException("cannot make drift on " + port + ": " + del.stderr());
            }
            long t0 = System.nanoTime();
            JsonNode r = check();
            long roundTrip = System.nanoTime() - t0;
            long millis = lastCheckMillis();
            String vlans = exec(List.of("bridge", "vlan", "show", "dev", port), Map.of(), new byte[0]).stdout();
            if (!Pattern.compile("\\b" + o.vlan + " PVID Egress Untagged").matcher(vlans).find()) {
                throw new IllegalStateException("VLAN " + o.vlan + " not back on " + port + " after the check " + r
                        + ":\n" + vlans);
            }
            if (!r.path("applied").isEmpty()) {
                return new long[] {millis, roundTrip};
            }
            // The port's own link event was handled first, and repaired it; the check had nothing left to do.
            report.progress("drift on %s was repaired by its link event before the check (attempt %d)", port,
                    attempt);
            if (attempt == 3) {
                throw new IllegalStateException("the check never found the drift it was to repair");
            }
            Thread.sleep(o.settleMillis);
        }
    }

    private JsonNode check() throws IOException {
        UnixHttp.Response r = api.post("/v1/networks/" + network + "/check", "");
        if (r.status() != 200) {
            throw new IllegalStateException("POST /v1/networks/" + network + "/check: " + r.status() + " " + r.body());
        }
        return r.json();
    }

    /**
     * The daemon's own time for the check that just ran, as GET /v1/status reports its last reconcile; -1 when a
     * reconcile of another reason (a port's link event) has run since.
     */
    private long lastCheckMillis() throws IOException {
        JsonNode last = api.get("/v1/status").requireOk().json().path("lastReconcile");
        if (!"CHECK".equals(last.path("reason").asText())) {
            report.progress("the last reconcile is no longer the check's: %s", last);
            return -1;
        }
        return last.path("millis").asLong();
    }

    private static String own(long millis) {
        return millis < 0 ? "-" : String.valueOf(millis);
    }

    private String firstPort() {
        String ports = exec(List.of("ip", "-o", "link", "show", "master", pods.bridge(), "type", "veth"), Map.of(),
                new byte[0]).stdout();
        var m = PORT_LINE.matcher(ports);
        if (!m.find()) {
            throw new IllegalStateException(pods.bridge() + " has no veth port");
        }
        return m.group(1);
    }

    private String jcmd(String... command) {
        List<String> argv = new ArrayList<>(List.of("jcmd", String.valueOf(o.daemonPid)));
        argv.addAll(Arrays.asList(command));
        return exec(argv, Map.of(), new byte[0]).stdout();
    }

    private Map<String, Long> procStatus() throws IOException {
        Map<String, Long> values = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(o.daemonPid), "status"))) {
            String[] kv = line.split(":\\s+");
            if (kv.length == 2 && (kv[0].equals("VmRSS") || kv[0].equals("Threads"))) {
                values.put(kv[0], Long.parseLong(kv[1].split(" ")[0]));
            }
        }
        return values;
    }

    /** Every scaling pod deleted again, {@code --parallel} at a time; the bridge is left without a port. */
    private void detachAll() throws InterruptedException {
        report.progress("scaling: deleting the %d pods", attached);
        for (int from = 0; from < attached; from += o.parallel) {
            pods.parallel("DEL", "scale-", new long[Math.min(o.parallel, attached - from)], from);
        }
        attached = 0;
        Thread.sleep(o.settleMillis * 4);
        BridgePortCheck.verify(pods, 0, o.vlan);
    }

    private void printTable(List<Level> levels, String nmt) {
        report.line("");
        report.line("scaling: each row with its number of pods attached to %s (added to the same node, row by row; "
                + "vmnet only); ADD p50 of %d sequential ADDs; resync = POST /v1/networks/%s/check of an "
                + "undisturbed node (the client's round trip, median of 5; vmnetd's own time in brackets, - when a "
                + "link event's reconcile had run since); repair = the same check after VLAN %d was taken off one "
                + "port", pods.bridge(), o.scaleSamples, network, o.vlan);
        report.line("(own ADD = vmnetd's own time per sampled ADD, p50; kernel = the kernel's own port add at that many "
                + "ports, iproute2 alone on a bridge like it in another namespace, %d ports in one batch, ms per port; "
                + "reconciles and GCs = the daemon's reconciles and GC pauses while the samples ran, count and total ms; "
                + "exec and STATUS = p50 of an exec of /bin/true and of a vmnet STATUS call, each made just before a "
                + "sampled ADD: the node's own spawn cost and the shim's round trip to vmnetd at that moment)",
                KernelPortFloor.SAMPLES);
        report.line("%8s %12s %11s %9s %6s %7s %14s %12s %16s %16s %9s %8s", "ports", "ADD p50 ms", "own ADD ms",
                "kernel", "exec", "STATUS", "reconciles", "GCs", "no-op resync ms", "drift repair ms", "RSS MiB",
                "threads");
        for (Level l : levels) {
            Samples s = l.samples();
            report.line("%8d %12s %11.1f %9.1f %6s %7s %14s %12s %16s %16s %9.1f %8d", l.ports(), ms(l.addP50()),
                    s.ownP50(), l.kernelMillisPerPort(), ms(pct(s.spawnNanos(), 50)), ms(pct(s.statusNanos(), 50)),
                    String.format("%.0f (%.0f)", s.total(s.reconciles()), s.total(s.reconcileMillis())),
                    String.format("%.0f (%.0f)", s.total(s.gcPauses()), s.total(s.gcMillis())),
                    ms(l.noopRoundTripNanos()) + " (" + own(l.noopMillis()) + ")",
                    ms(l.repairRoundTripNanos()) + " (" + own(l.repairMillis()) + ")", l.rssKib() / 1024.0,
                    l.threads());
        }
        Level first = levels.get(0);
        Level last = levels.get(levels.size() - 1);
        report.line("from %d to %d ports: ADD p50 x%.2f (%+.1f ms), vmnetd's own time per ADD x%.2f (%+.1f ms), the "
                + "kernel's port add alone x%.2f (%+.1f ms), exec of /bin/true %+.1f ms, STATUS %+.1f ms", first.ports(),
                last.ports(), (double) last.addP50() / first.addP50(), (last.addP50() - first.addP50()) / 1e6,
                last.samples().ownP50() / first.samples().ownP50(),
                last.samples().ownP50() - first.samples().ownP50(),
                last.kernelMillisPerPort() / first.kernelMillisPerPort(),
                last.kernelMillisPerPort() - first.kernelMillisPerPort(),
                (pct(last.samples().spawnNanos(), 50) - pct(first.samples().spawnNanos(), 50)) / 1e6,
                (pct(last.samples().statusNanos(), 50) - pct(first.samples().statusNanos(), 50)) / 1e6);
        for (Level l : levels) {
            Samples s = l.samples();
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < s.nanos().length; i++) {
                line.append(String.format(" %s/%.0f%s%s", ms(s.nanos()[i]), s.ownMillis()[i],
                        s.reconciles()[i] > 0 ? String.format("/r%.0f:%.0f", s.reconciles()[i], s.reconcileMillis()[i]) : "",
                        s.gcPauses()[i] > 0 ? String.format("/gc%.0f", s.gcMillis()[i]) : ""));
            }
            report.line("ADDs with %d pods (ms: call/own[/rN:reconcile ms][/gc pause ms]):%s", l.ports(), line);
        }
        report.line("");
        report.line("vmnetd's native memory with %d pods (jcmd VM.native_memory summary):",
                levels.get(levels.size() - 1).ports());
        nmt.lines().filter(l -> !l.isBlank()).forEach(l -> report.line("%s", l));
    }

    private void printMemory(int ports, List<String> resident, String heap, String liveHeap, String histogram) {
        report.line("");
        report.line("vmnetd's resident memory with %d pods (/proc/PID/smaps; the Java heap's range is in GC.heap_info "
                + "below, the class-data archive is vmnetd.jsa):", ports);
        resident.forEach(l -> report.line("%s", l));
        report.line("vmnetd's heap with %d pods (jcmd GC.heap_info):", ports);
        heap.lines().filter(l -> !l.isBlank()).forEach(l -> report.line("%s", l));
        report.line("and after a full collection (jcmd GC.run), what of it is live:");
        liveHeap.lines().filter(l -> !l.isBlank()).forEach(l -> report.line("%s", l));
        report.line("the live objects by class, largest first (jcmd GC.class_histogram, first 25 lines):");
        histogram.lines().forEach(l -> report.line("%s", l));
    }
}
