package io.vmnetd.daemon.bench;

import static io.vmnetd.daemon.bench.PluginExec.exec;
import static io.vmnetd.daemon.bench.Timings.max;
import static io.vmnetd.daemon.bench.Timings.mean;
import static io.vmnetd.daemon.bench.Timings.median;
import static io.vmnetd.daemon.bench.Timings.ms;
import static io.vmnetd.daemon.bench.Timings.msList;
import static io.vmnetd.daemon.bench.Timings.pct;
import static io.vmnetd.daemon.bench.Timings.ratio;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CNI benchmark behind {@code scripts/bench cni}: the {@code vmnet} shim (forwarding to a running vmnetd) side by
 * side with the reference {@code bridge} plugin, both exec'd exactly as a container runtime does (CNI_* variables,
 * netconf on stdin), both on a VLAN-filtering bridge with VLAN 100 as the pod port's untagged PVID. Only the exec of
 * the plugin is timed (ProcessBuilder.start until exit, stdout and stderr read), identically for both sides.
 *
 * <p>Phases, per side: warm-up ADD/DEL pairs; sequential ADDs into the pre-made namespaces, then their DELs (p50,
 * p99); then rounds of parallel ADDs (all released at once, timed until the last returns) and parallel DELs.
 * The pre-made namespaces are {@code <prefix><side>-0 .. <prefix><side>-N-1} under /run/netns, side "vmnet" or
 * "ref", so that both sides' pods can live at once (made by scripts/lib/bench-cni-inside.sh). With {@code --scale},
 * then the scaling phase ({@link CniScaling}) on vmnet alone.
 *
 * <p>Run inside the kernel lab by scripts/lib/bench-cni-inside.sh. It does not judge: it lists its figures in
 * {@code --results} ("name value unit ref target" lines) for scripts/lib/bench-results.sh; exits 0 when the bench
 * ran, 2 when the bench itself failed (a plugin call failed, a port was wrong).
 */
public final class CniBench {
    // Issue 13's targets; scripts/lib/bench-results.sh judges the figures against them.
    static final String TARGET_ADD_P50 = "<=0.6";          // vmnet / ref
    static final String TARGET_DEL_P50 = "<=0.6";          // vmnet / ref
    static final String TARGET_PAR_THROUGHPUT = ">=3";     // vmnet / ref pods per second (parallel ADD)
    static final String TARGET_ADD_REQUESTS = "<=4";       // vmnetd's netlink requests per ADD
    static final String TARGET_DEL_REQUESTS = "<=2";       // vmnetd's netlink requests per DEL
    static final String TARGET_ADD_1000_PORTS = "<=1.2";   // ADD p50 with 1000 ports / with 10
    static final String TARGET_NOOP_RESYNC_MS = "<=250";   // with 1000 ports
    static final String TARGET_REPAIR_MS = "<=1000";       // with 1000 ports
    static final String TARGET_RSS_MIB = "<=64";           // with 1000 ports
    /** Cleaning up after a failure stops after this; the caller deletes the namespaces and bridges anyway. */
    static final long CLEANUP_NANOS = 60_000_000_000L;

    private final CniBenchOptions o;
    private final BenchReport report = new BenchReport();

    /** Per-call times (ns) of the floors. */
    private record Floors(long[] spawn, long[] refVersion, long[] vmnetVersion, long[] vmnetStatus) {}

    /** Per side, each sequential call's time (ns) by namespace index; vmnetd's own counters over vmnet's calls. */
    private record Sequential(Map<CniPlugin, long[]> addNs, Map<CniPlugin, long[]> delNs, DaemonStats addStats,
                              DaemonStats delStats) {}

    /** Per side, each round's wall (ns) of its parallel ADDs and DELs; each ADD's own time in its last round. */
    private record ParallelRounds(Map<CniPlugin, List<Long>> addWalls, Map<CniPlugin, List<Long>> delWalls,
                                  Map<CniPlugin, long[]> lastAddCalls) {}

    private CniBench(CniBenchOptions o) {
        this.o = o;
    }

    public static void main(String[] args) {
        CniBenchOptions o;
        try {
            o = CniBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("CniBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            System.exit(new CniBench(o).run());
        } catch (Exception e) {
            System.err.println("CniBench failed: " + e);
            e.printStackTrace();
            System.exit(2);
        }
    }

    private int run() throws Exception {
        CniPlugin vmnet = new CniPlugin("vmnet", o.vmnet, o.vmnetBridge, netconf("vmnet", o.vmnetBridge), o);
        CniPlugin ref = new CniPlugin("ref", o.ref, o.refBridge, netconf("bridge", o.refBridge), o);
        try {
            return measure(vmnet, ref);
        } catch (RuntimeException e) {
            System.err.println("CniBench failed: " + e.getMessage());
            throw e;
        } finally {
            long deadline = System.nanoTime() + CLEANUP_NANOS;
            vmnet.cleanUp(deadline);
            ref.cleanUp(deadline);
        }
    }

    private int measure(CniPlugin vmnet, CniPlugin ref) throws Exception {
        report.line("CNI bench: %s vs the reference bridge plugin (%s), %d vCPU(s), kernel %s", vmnet.binary(),
                ref.binary(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.version"));
        report.line("vmnet netconf: %s", vmnet.netconf());
        report.line("ref   netconf: %s", ref.netconf());
        report.line("calls exec'd by a Java harness (ProcessBuilder, System.nanoTime around start..exit); %d "
                + "namespaces per side made beforehand; %d warm-up ADD/DEL pairs per side; %d sequential ADDs then "
                + "DELs per side (the sides taking turns every %d); %d round(s) of %d parallel ADDs then DELs", o.n,
                o.warmup, o.n, o.chunk, o.rounds, o.parallel);
        if (o.podIpv6) {
            report.line("pod namespaces: IPv6 on (--pod-ipv6 on): each new pod's IPv6 start-up traffic is flooded to "
                    + "every port of its VLAN");
        } else {
            report.line("pod namespaces: IPv6 off in all %d before any plugin ran (see QuietPods: a pod's IPv6 "
                    + "start-up traffic is flooded to every port of its VLAN; --pod-ipv6 on keeps it)",
                    QuietPods.in(o.netnsPrefix));
        }
        System.out.flush();

        warmUp(vmnet, ref);
        Floors floors = floors(vmnet, ref);
        Sequential seq = sequential(vmnet, ref);
        ParallelRounds par = parallelRounds(vmnet, ref);

        printResults(vmnet, ref, floors, seq, par);
        List<String> figures = figures(vmnet, ref, seq, par);
        // Kept should the scaling phase fail.
        report.writeTo(o.out);
        java.nio.file.Files.write(o.results, figures);
        if (o.scaleLevels.length > 0) {
            CniPlugin scale = new CniPlugin("scale", o.vmnet, o.vmnetBridge, vmnet.netconf(), o);
            try {
                figures.addAll(scalingFigures(new CniScaling(o, report, scale, o.network).run()));
            } finally {
                scale.cleanUp(System.nanoTime() + CLEANUP_NANOS);
            }
        }
        report.line("");
        report.line("figures (name value unit ref target), judged by scripts/lib/bench-results.sh:");
        figures.forEach(report::line);
        report.writeTo(o.out);
        java.nio.file.Files.write(o.results, figures);
        System.out.println("report written to " + o.out + ", figures to " + o.results);
        return 0;
    }

    private void warmUp(CniPlugin vmnet, CniPlugin ref) {
        report.progress("warm-up: %d ADD/DEL pairs per side", o.warmup);
        for (CniPlugin s : List.of(vmnet, ref)) {
            for (int i = 0; i < o.warmup; i++) {
                String id = s.label() + "-warm-" + i;
                s.add(id, i);
                s.del(id, i);
            }
        }
    }

    /**
     * The floors: the harness's own spawn cost (exec of /bin/true), each plugin's start-up (VERSION: answered before
     * any network work; the shim answers it itself) and vmnet's round trip to the daemon (STATUS: shim, socket, HTTP,
     * two netlink GETs).
     */
    private Floors floors(CniPlugin vmnet, CniPlugin ref) {
        report.progress("floors: %d calls each of /bin/true, ref VERSION, vmnet VERSION, vmnet STATUS", o.floors);
        Floors f = new Floors(new long[o.floors], new long[o.floors], new long[o.floors], new long[o.floors]);
        for (int i = 0; i < o.floors; i++) {
            f.spawn()[i] = exec(List.of("/bin/true"), Map.of(), new byte[0]).nanos();
            f.refVersion()[i] = ref.version().nanos();
            f.vmnetVersion()[i] = vmnet.version().nanos();
            f.vmnetStatus()[i] = vmnet.status().nanos();
        }
        return f;
    }

    /**
     * Sequential calls in chunks, the sides taking turns (the first side alternating), so that both sample the same
     * stretches of time on a shared machine; after a vmnet chunk the daemon's own follow-up work (link events,
     * reconciles) is given time to finish outside every measurement.
     */
    private Sequential sequential(CniPlugin vmnet, CniPlugin ref) throws InterruptedException {
        Map<CniPlugin, long[]> addNs = Map.of(vmnet, new long[o.n], ref, new long[o.n]);
        Map<CniPlugin, long[]> delNs = Map.of(vmnet, new long[o.n], ref, new long[o.n]);
        DaemonStats addStats = DaemonStats.ZERO;
        DaemonStats delStats = DaemonStats.ZERO;
        for (String command : List.of("ADD", "DEL")) {
            report.progress("sequential %ss: %d per side, in chunks of %d", command, o.n, o.chunk);
            for (int from = 0, c = 0; from < o.n; from += o.chunk, c++) {
                int to = Math.min(o.n, from + o.chunk);
                for (CniPlugin s : c % 2 == 0 ? List.of(vmnet, ref) : List.of(ref, vmnet)) {
                    report.progress("  %s %s %d..%d", s.label(), command, from, to - 1);
                    VmnetdMetrics before = scrape(s);
                    for (int i = from; i < to; i++) {
                        String id = s.label() + "-seq-" + i;
                        long t = command.equals("ADD") ? s.add(id, i).nanos() : s.del(id, i).nanos();
                        (command.equals("ADD") ? addNs : delNs).get(s)[i] = t;
                    }
                    if (s == vmnet) {
                        settle(s);
                        DaemonStats d = DaemonStats.between(before, scrape(s), command);
                        if (command.equals("ADD")) {
                            addStats = addStats.plus(d);
                        } else {
                            delStats = delStats.plus(d);
                        }
                    }
                }
            }
            for (CniPlugin s : List.of(vmnet, ref)) {
                BridgePortCheck.verify(s, command.equals("ADD") ? o.n : 0, o.vlan);
            }
        }
        return new Sequential(addNs, delNs, addStats, delStats);
    }

    private ParallelRounds parallelRounds(CniPlugin vmnet, CniPlugin ref) throws InterruptedException {
        Map<CniPlugin, List<Long>> parAdd = new HashMap<>();
        Map<CniPlugin, List<Long>> parDel = new HashMap<>();
        Map<CniPlugin, long[]> parAddCalls = new HashMap<>();
        for (int r = 0; r < o.rounds; r++) {
            for (CniPlugin s : r % 2 == 0 ? List.of(vmnet, ref) : List.of(ref, vmnet)) {
                report.progress("%s: parallel round %d/%d: %d ADDs, then %d DELs", s.label(), r + 1, o.rounds,
                        o.parallel, o.parallel);
                String prefix = s.label() + "-par" + r + "-";
                long[] calls = new long[o.parallel];
                parAdd.computeIfAbsent(s, k -> new ArrayList<>()).add(s.parallel("ADD", prefix, calls));
                parAddCalls.put(s, calls);
                settle(s);
                BridgePortCheck.verify(s, o.parallel, o.vlan);
                parDel.computeIfAbsent(s, k -> new ArrayList<>()).add(s.parallel("DEL", prefix, new long[o.parallel]));
                settle(s);
                BridgePortCheck.verify(s, 0, o.vlan);
            }
        }
        return new ParallelRounds(parAdd, parDel, parAddCalls);
    }

    private void printResults(CniPlugin vmnet, CniPlugin ref, Floors f, Sequential seq, ParallelRounds par) {
        report.line("");
        report.line("floors, p50 (p99) ms: exec of /bin/true %s (%s); ref VERSION (Go plugin start-up) %s (%s); "
                + "vmnet VERSION (shim start-up) %s (%s); vmnet STATUS (shim + socket + HTTP + 2 netlink GETs in "
                + "vmnetd) %s (%s)", ms(pct(f.spawn(), 50)), ms(pct(f.spawn(), 99)), ms(pct(f.refVersion(), 50)),
                ms(pct(f.refVersion(), 99)), ms(pct(f.vmnetVersion(), 50)), ms(pct(f.vmnetVersion(), 99)),
                ms(pct(f.vmnetStatus(), 50)), ms(pct(f.vmnetStatus(), 99)));
        report.line("");
        report.line("%-34s %12s %12s %9s", "", "vmnet", "ref", "vmnet/ref");
        Map<CniPlugin, long[]> addNs = seq.addNs();
        Map<CniPlugin, long[]> delNs = seq.delNs();
        report.row("ADD p50 (ms), sequential", pct(addNs.get(vmnet), 50), pct(addNs.get(ref), 50));
        report.row("ADD p99 (ms)", pct(addNs.get(vmnet), 99), pct(addNs.get(ref), 99));
        report.row("DEL p50 (ms), sequential", pct(delNs.get(vmnet), 50), pct(delNs.get(ref), 50));
        report.row("DEL p99 (ms)", pct(delNs.get(vmnet), 99), pct(delNs.get(ref), 99));
        long parAddV = median(par.addWalls().get(vmnet));
        long parAddR = median(par.addWalls().get(ref));
        long parDelV = median(par.delWalls().get(vmnet));
        long parDelR = median(par.delWalls().get(ref));
        report.row(o.parallel + " parallel ADDs, wall (ms)", parAddV, parAddR);
        report.row(o.parallel + " parallel DELs, wall (ms)", parDelV, parDelR);
        report.row("  slowest ADD call, last round (ms)", max(par.lastAddCalls().get(vmnet)),
                max(par.lastAddCalls().get(ref)));
        report.line("%-34s %12.1f %12.1f %9.2f", "parallel ADD throughput (pods/s)", rate(parAddV), rate(parAddR),
                rate(parAddV) / rate(parAddR));
        report.line("%-34s %12.1f %12.1f %9.2f", "parallel DEL throughput (pods/s)", rate(parDelV), rate(parDelR),
                rate(parDelV) / rate(parDelR));
        report.line("(parallel: median of %d round(s); each round's walls, ms: vmnet ADD %s DEL %s, ref ADD %s DEL %s)",
                o.rounds, msList(par.addWalls().get(vmnet)), msList(par.delWalls().get(vmnet)),
                msList(par.addWalls().get(ref)), msList(par.delWalls().get(ref)));
        DaemonStats addStats = seq.addStats();
        DaemonStats delStats = seq.delStats();
        if (addStats.complete() && delStats.complete()) {
            report.line("vmnetd's own time per call (vmnetd_cni_request_duration_seconds, mean over the sequential "
                    + "calls): ADD %s ms, DEL %s ms; the rest (shim exec, socket, HTTP, queueing): ADD ~%s ms, "
                    + "DEL ~%s ms", ms(addStats.meanNanos()), ms(delStats.meanNanos()),
                    ms(mean(addNs.get(vmnet)) - addStats.meanNanos()),
                    ms(mean(delNs.get(vmnet)) - delStats.meanNanos()));
            long exec = pct(f.vmnetVersion(), 50);
            long roundTrip = pct(f.vmnetStatus(), 50);
            report.line("transport share of a mean vmnet call (ADD %s ms, DEL %s ms): shim exec %s ms (VERSION p50); "
                    + "round trip beyond the exec %s ms (socket, HTTP, JSON, hand-offs: STATUS p50 minus VERSION p50, "
                    + "STATUS's two netlink GETs included); vmnetd's own time ADD %s ms, DEL %s ms; the rest (queueing, "
                    + "the shim's work on the result) ADD %s ms, DEL %s ms", ms(mean(addNs.get(vmnet))),
                    ms(mean(delNs.get(vmnet))), ms(exec), ms(roundTrip - exec), ms(addStats.meanNanos()),
                    ms(delStats.meanNanos()), ms(mean(addNs.get(vmnet)) - roundTrip - addStats.meanNanos()),
                    ms(mean(delNs.get(vmnet)) - roundTrip - delStats.meanNanos()));
            report.line("vmnetd per sequential call: netlink requests ADD %.1f, DEL %.1f (CNI and reconciles); "
                    + "reconciles ADD %.2f (%s ms each), DEL %.2f (%s ms each)", addStats.netlinkPerCall(),
                    delStats.netlinkPerCall(), addStats.reconcilesPerCall(), ms(addStats.reconcileMeanNanos()),
                    delStats.reconcilesPerCall(), ms(delStats.reconcileMeanNanos()));
        } else {
            report.line("vmnetd's /metrics could not be read; no breakdown");
        }
    }

    /** The figures of issue 13 that this run measured, as "name value unit ref target". */
    private List<String> figures(CniPlugin vmnet, CniPlugin ref, Sequential seq, ParallelRounds par) {
        long addV = pct(seq.addNs().get(vmnet), 50);
        long addR = pct(seq.addNs().get(ref), 50);
        long delV = pct(seq.delNs().get(vmnet), 50);
        long delR = pct(seq.delNs().get(ref), 50);
        double rateV = rate(median(par.addWalls().get(vmnet)));
        double rateR = rate(median(par.addWalls().get(ref)));
        List<String> f = new ArrayList<>();
        f.add(figure("cni.add.p50.ratio", ratio(addV, addR), "x", addR / 1e6, TARGET_ADD_P50));
        f.add(figure("cni.del.p50.ratio", ratio(delV, delR), "x", delR / 1e6, TARGET_DEL_P50));
        f.add(figure("cni.parallel50.throughput.ratio", rateV / rateR, "x", rateR, TARGET_PAR_THROUGHPUT));
        // vmnetd's own count (vmnetd_netlink_requests_total) over the sequential calls and what they set off
        // (link events, reconciles), divided by the calls; NaN, and so a miss, when a scrape failed.
        double addReq = seq.addStats().complete() ? seq.addStats().netlinkPerCall() : Double.NaN;
        double delReq = seq.delStats().complete() ? seq.delStats().netlinkPerCall() : Double.NaN;
        f.add(figure("cni.add.netlink.requests", addReq, "requests", Double.NaN, TARGET_ADD_REQUESTS));
        f.add(figure("cni.del.netlink.requests", delReq, "requests", Double.NaN, TARGET_DEL_REQUESTS));
        return f;
    }

    /** The scaling figures: the largest level against the smallest. */
    private List<String> scalingFigures(List<CniScaling.Level> levels) {
        CniScaling.Level low = levels.get(0);
        CniScaling.Level high = levels.get(levels.size() - 1);
        String at = high.ports() + "ports";
        List<String> f = new ArrayList<>();
        f.add(figure("cni.add.p50." + at + ".ratio", ratio(high.addP50(), low.addP50()), "x", low.addP50() / 1e6,
                TARGET_ADD_1000_PORTS));
        // The check's round trip (HTTP included): never less than vmnetd's own time, which a link event's reconcile
        // can hide from GET /v1/status.
        f.add(figure("reconcile.noop." + at + ".ms", high.noopRoundTripNanos() / 1e6, "ms",
                low.noopRoundTripNanos() / 1e6, TARGET_NOOP_RESYNC_MS));
        f.add(figure("reconcile.repair." + at + ".ms", high.repairRoundTripNanos() / 1e6, "ms",
                low.repairRoundTripNanos() / 1e6, TARGET_REPAIR_MS));
        f.add(figure("daemon.rss." + at + ".mib", high.rssKib() / 1024.0, "MiB", low.rssKib() / 1024.0,
                TARGET_RSS_MIB));
        return f;
    }

    /** One figure line; a reference of NaN is printed as "-" (none). */
    private static String figure(String name, double value, String unit, double ref, String target) {
        return String.format(java.util.Locale.ROOT, "%s %s %s %s %s", name,
                Double.isNaN(value) ? "NaN" : String.format(java.util.Locale.ROOT, "%.2f", value), unit,
                Double.isNaN(ref) ? "-" : String.format(java.util.Locale.ROOT, "%.2f", ref), target);
    }

    /** After vmnet calls: lets vmnetd finish its follow-up work (link events, reconciles) outside any measurement. */
    private void settle(CniPlugin s) throws InterruptedException {
        if (s.label().equals("vmnet")) {
            Thread.sleep(o.settleMillis);
        }
    }

    /** Only vmnet has a daemon behind it; null for the reference plugin. */
    private VmnetdMetrics scrape(CniPlugin s) {
        return s.label().equals("vmnet") ? VmnetdMetrics.scrape(o.socket) : null;
    }

    private String netconf(String type, String bridge) {
        return "{\"cniVersion\":\"0.3.1\",\"name\":\"vlan" + o.vlan + "\",\"type\":\"" + type + "\",\"bridge\":\""
                + bridge + "\",\"vlan\":" + o.vlan + ",\"ipam\":{}}";
    }

    /** Pods per second of one parallel round that took {@code wallNanos}. */
    private double rate(long wallNanos) {
        return o.parallel / (wallNanos / 1e9);
    }
}
