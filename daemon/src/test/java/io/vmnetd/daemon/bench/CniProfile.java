package io.vmnetd.daemon.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where vmnetd's time went during the CNI bench, from a Java Flight Recording of the daemon (scripts/bench cni with
 * BENCH_CNI_PROFILE=1): CPU samples by thread kind and by innermost vmnetd method, and the waits that take no CPU —
 * sleeps, parks (locks), fsyncs — by the vmnetd method that waited, plus threads started and by whom.
 * Usage: CniProfile RECORDING.jfr [CNI_CALLS] (CNI_CALLS: to show totals per call too).
 */
public final class CniProfile {
    private static final int TOP = 12;

    private final Map<String, long[]> cpuByThread = new HashMap<>();
    private final Map<String, long[]> nativeByThread = new HashMap<>();
    private final Map<String, long[]> workerWallByStep = new HashMap<>();
    private final Map<String, long[]> cpuByMethod = new HashMap<>();
    private final Map<String, long[]> cpuByCniPhase = new HashMap<>();
    private final Map<String, long[]> sleepBy = new HashMap<>();
    private final Map<String, long[]> parkBy = new HashMap<>();
    private final Map<String, long[]> forceBy = new HashMap<>();
    private final Map<String, long[]> threadsBy = new HashMap<>();
    private final Map<String, long[]> gc = new HashMap<>();
    private static final long SAMPLE_PERIOD_MILLIS = 10;
    private static final long NATIVE_PERIOD_MILLIS = 20;

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: CniProfile RECORDING.jfr [CNI_CALLS]");
            System.exit(2);
        }
        long calls = args.length > 1 ? Long.parseLong(args[1]) : 0;
        CniProfile p = new CniProfile();
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            p.accept(e);
        }
        p.print(calls);
    }

    private void accept(RecordedEvent e) {
        String type = e.getEventType().getName();
        switch (type) {
            case "jdk.ExecutionSample", "jdk.NativeMethodSample" -> {
                RecordedThread t = e.getThread("sampledThread");
                String kind = threadKind(t);
                boolean inNative = type.equals("jdk.NativeMethodSample");
                if (kind.equals("vmnetd-cni-worker") || kind.equals("vmnetd-api-worker") || kind.startsWith("netns:")) {
                    String step = step(e.getStackTrace());
                    if (!step.equals("(idle)")) {
                        add(workerWallByStep, kind + ": " + step, (inNative ? NATIVE_PERIOD_MILLIS : SAMPLE_PERIOD_MILLIS)
                                * 1_000_000);
                    }
                }
                if (inNative) {
                    add(nativeByThread, kind + ": " + innermostVmnetd(e.getStackTrace()), 1);
                } else {
                    add(cpuByThread, kind, 1);
                    add(cpuByMethod, innermostVmnetd(e.getStackTrace()), 1);
                    add(cpuByCniPhase, kind + ": " + step(e.getStackTrace()), 1);
                }
            }
            case "jdk.ThreadSleep" -> add(sleepBy, threadKind(e.getThread()) + ": " + step(e.getStackTrace()),
                    e.getDuration().toNanos());
            case "jdk.ThreadPark" -> add(parkBy, threadKind(e.getThread()) + ": " + step(e.getStackTrace()),
                    e.getDuration().toNanos());
            case "jdk.FileForce" -> add(forceBy, threadKind(e.getThread()) + ": " + step(e.getStackTrace()),
                    e.getDuration().toNanos());
            case "jdk.ThreadStart" -> add(threadsBy, innermostVmnetd(e.getStackTrace()), 0);
            case "jdk.GarbageCollection" -> add(gc, e.getString("name"), e.getDuration().toNanos());
            default -> { }
        }
    }

    private static void add(Map<String, long[]> m, String key, long nanos) {
        long[] v = m.computeIfAbsent(key, k -> new long[2]);
        v[0]++;
        v[1] += nanos;
    }

    /** Thread names without their numbers: "vmnetd-api-worker-3-7" -> "vmnetd-api-worker". */
    private static String threadKind(RecordedThread t) {
        if (t == null) {
            return "?";
        }
        String name = t.getJavaName() != null ? t.getJavaName() : t.getOSName();
        return name == null ? "?" : name.replaceAll("[-#]?\\d+", "").replaceAll("-+$", "");
    }

    private static String innermostVmnetd(RecordedStackTrace st) {
        if (st == null) {
            return "(no stack)";
        }
        for (RecordedFrame f : st.getFrames()) {
            String cls = f.getMethod().getType().getName();
            if (cls.startsWith("io.vmnetd.")) {
                return shortName(f);
            }
        }
        RecordedFrame top = st.getFrames().isEmpty() ? null : st.getFrames().get(0);
        return top == null ? "(empty)" : "(outside vmnetd) " + shortName(top);
    }

    /**
     * The vmnetd frames of a stack, outermost first, from the CNI/reconcile code down to the first call into the
     * netlink library's API (e.g. "CniAdd.add > CniAdd.build > PortWiring.createPair > Links.create"), without the
     * API plumbing and lambdas; "(idle)" for a thread outside any vmnetd code.
     */
    private static String step(RecordedStackTrace st) {
        if (st == null) {
            return "(no stack)";
        }
        List<RecordedFrame> frames = st.getFrames();
        StringBuilder path = new StringBuilder();
        for (int i = frames.size() - 1; i >= 0; i--) {
            String cls = frames.get(i).getMethod().getType().getName();
            if (!cls.startsWith("io.vmnetd.") || cls.contains("$$Lambda") || cls.startsWith("io.vmnetd.daemon.api.")
                    || cls.startsWith("io.vmnetd.daemon.service.")) {
                continue;
            }
            String n = shortName(frames.get(i));
            if (path.length() > 0 && path.toString().endsWith(n)) {
                continue; // recursion or overloads
            }
            if (path.length() > 0) {
                path.append(" > ");
            }
            path.append(n);
            if (cls.startsWith("io.vmnetd.netlink.") && !cls.startsWith("io.vmnetd.netlink.nl.")) {
                break;
            }
        }
        if (path.length() == 0) {
            return "(idle)";
        }
        return path.toString();
    }

    private static String shortName(RecordedFrame f) {
        String cls = f.getMethod().getType().getName();
        int lambda = cls.indexOf("$$Lambda");
        if (lambda >= 0) {
            cls = cls.substring(0, lambda) + "$$Lambda";
        }
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    private void print(long calls) {
        section("CPU samples by thread (each ~" + SAMPLE_PERIOD_MILLIS + " ms of CPU for Java code)",
                cpuByThread, false, calls);
        section("CPU samples by innermost vmnetd method", cpuByMethod, false, calls);
        section("threads found in native code (every 20 ms; running or blocked: poll, recv, epoll) by thread and "
                + "innermost vmnetd method", nativeByThread, false, calls);
        section("CPU samples by thread and step", cpuByCniPhase, false, calls);
        section("CNI and API worker (and netns helper) time by step, from samples: ~ms (Java samples x " + SAMPLE_PERIOD_MILLIS
                + " ms + native samples x " + NATIVE_PERIOD_MILLIS + " ms)", workerWallByStep, true, calls);
        section("Thread.sleep (count, total ms) by thread and step", sleepBy, true, calls);
        section("parks: lock and queue waits (count, total ms) by thread and step", parkBy, true, calls);
        section("fsync (FileChannel.force: count, total ms) by thread and step", forceBy, true, calls);
        section("threads started, by the vmnetd method that started them", threadsBy, false, calls);
        section("garbage collections (count, total ms)", gc, true, calls);
    }

    private static void section(String title, Map<String, long[]> m, boolean timed, long calls) {
        System.out.println("-- " + title + (calls > 0 ? "; per CNI call over " + calls + " calls" : ""));
        m.entrySet().stream().sorted((a, b) -> Long.compare(timed ? b.getValue()[1] : b.getValue()[0],
                timed ? a.getValue()[1] : a.getValue()[0])).limit(TOP).forEach(e -> {
            long[] v = e.getValue();
            String perCall = calls > 0 ? (timed
                    ? String.format(Locale.ROOT, "   [%.2f x, %.1f ms per call]", (double) v[0] / calls,
                    v[1] / 1e6 / calls)
                    : String.format(Locale.ROOT, "   [%.2f per call]", (double) v[0] / calls)) : "";
            System.out.println(timed
                    ? String.format(Locale.ROOT, "  %7d %10.1f ms  %s%s", v[0], v[1] / 1e6, e.getKey(), perCall)
                    : String.format(Locale.ROOT, "  %7d  %s%s", v[0], e.getKey(), perCall));
        });
    }
}
