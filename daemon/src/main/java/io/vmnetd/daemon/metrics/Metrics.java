package io.vmnetd.daemon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vmnetd.netlink.nl.Connection;
import io.vmnetd.netlink.sys.Errno;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The daemon's Prometheus metrics. Names are given in Micrometer's dotted form; the Prometheus registry turns
 * {@code vmnetd.cni.requests} into {@code vmnetd_cni_requests_total} and a timer into
 * {@code ..._seconds} with {@code _bucket}/{@code _sum}/{@code _count}. Thread-safe.
 */
public final class Metrics implements AutoCloseable {

    /** A CNI call or a reconcile run that succeeded / failed. */
    public static final String OK = "ok";
    public static final String ERROR = "error";

    // CNI ADD waits on IPAM plugins and may take seconds; a DEL or CHECK should be milliseconds.
    private static final Duration[] CNI_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);
    private static final Duration[] RECONCILE_BUCKETS = seconds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);

    /** The CNI commands there are: only their meters are kept, whatever command a caller sends. */
    private static final java.util.Set<String> CNI_COMMANDS = java.util.Set.of("ADD", "DEL", "CHECK", "STATUS", "GC",
            "VERSION");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Micrometer's JVM and process meters, bound at the first scrape (see {@link #scrape()}); null until then. */
    private JvmGcMetrics gcMetrics;
    /*
     * The meters of every CNI call and netlink request, looked up once: a builder's register() makes tags and an id
     * and looks them up again on each call, which the hot path need not pay. Only the CNI commands there are and
     * the netlink module's message types are kept here, so these maps stay small whatever a caller sends.
     */
    private final Map<String, Counter> cniRequests = new ConcurrentHashMap<>();
    private final Map<String, Timer> cniDurations = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> netlinkRequests = new ConcurrentHashMap<>();

    public Metrics() {
        // Two of Micrometer's JVM meters break Prometheus naming rules (promtool flags them): a unit abbreviation
        // in a name, and "_count" on a gauge. The first duplicates process_cpu_usage; the second is renamed.
        registry.config()
                .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
                    }
                });
    }

    /**
     * The JVM's and the process's meters (memory, GC, threads, CPU, uptime, descriptors) read the JVM's management
     * beans, whose classes and JMX setup cost some 60 ms of CPU: they are bound when someone first asks for metrics,
     * not on the way to readiness. Their values are the JVM's own totals, so binding late loses nothing but the GC
     * pauses before the first scrape from {@code jvm_gc_pause}.
     */
    private synchronized void bindJvmMeters() {
        if (gcMetrics != null) {
            return;
        }
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** One CNI call: {@code command} as the runtime sent it (ADD, DEL, CHECK, ...), {@code result} OK or ERROR. */
    public void cniRequest(String command, String result, Duration duration) {
        boolean known = CNI_COMMANDS.contains(command);
        (known ? cniRequests.computeIfAbsent(command + " " + result, k -> cniRequestCounter(command, result))
                : cniRequestCounter(command, result)).increment();
        (known ? cniDurations.computeIfAbsent(command, this::cniDurationTimer) : cniDurationTimer(command))
                .record(duration);
    }

    private Counter cniRequestCounter(String command, String result) {
        return Counter.builder("vmnetd.cni.requests")
                .description("CNI calls answered, by command and result")
                .tags("command", command, "result", result)
                .register(registry);
    }

    private Timer cniDurationTimer(String command) {
        return Timer.builder("vmnetd.cni.request.duration")
                .description("Time to answer a CNI call, by command")
                .tag("command", command)
                .serviceLevelObjectives(CNI_BUCKETS)
                .register(registry);
    }

    /** One reconcile pass over the whole node, {@code result} OK or ERROR. */
    public void reconcileRun(String result, Duration duration) {
        Counter.builder("vmnetd.reconcile.runs")
                .description("Reconcile passes, by result")
                .tag("result", result)
                .register(registry)
                .increment();
        Timer.builder("vmnetd.reconcile.duration")
                .description("Time of one reconcile pass")
                .serviceLevelObjectives(RECONCILE_BUCKETS)
                .register(registry)
                .record(duration);
    }

    /** The kernel had drifted from the wanted state and was put back; {@code kind} says what, e.g. "vlan". */
    public void driftRepaired(String kind) {
        Counter.builder("vmnetd.drift.repairs")
                .description("Differences between kernel and wanted state that were repaired, by kind")
                .tag("kind", kind)
                .register(registry)
                .increment();
    }

    /** An attachment torn down by vmnetd itself, without a DEL; {@code reason} says why, e.g. "netns_gone". */
    public void attachmentReclaimed(String reason) {
        Counter.builder("vmnetd.attachments.reclaimed")
                .description("Attachments torn down without a DEL (pod gone, interrupted call, orphan link), by reason")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /** A damaged state file moved aside at start; {@code file} is "journal" or "registry". */
    public void stateFileMovedAside(String file) {
        Counter.builder("vmnetd.state.files.moved.aside")
                .description("Damaged state files moved aside at start, by file")
                .tag("file", file)
                .register(registry)
                .increment();
    }

    /** Counts every netlink request and error; pass it to each {@link Connection}. */
    public Connection.Observer netlinkObserver() {
        return new Connection.Observer() {
            @Override
            public void requestSent(int messageType) {
                netlinkRequests.computeIfAbsent(messageType, t -> Counter.builder("vmnetd.netlink.requests")
                        .description("Netlink requests sent, by message type")
                        .tag("type", NetlinkMessageTypes.name(messageType))
                        .register(registry)).increment();
            }

            @Override
            public void errorReceived(int messageType, Errno errno) {
                Counter.builder("vmnetd.netlink.errors")
                        .description("Netlink requests the kernel refused, by message type and errno")
                        .tags("type", NetlinkMessageTypes.name(messageType), "errno", errno.name())
                        .register(registry)
                        .increment();
            }
        };
    }

    /**
     * A value read at each scrape, e.g. {@code gauge("vmnetd_links", "Links vmnetd manages", state::linkCount)}.
     * The supplier is held strongly and must be cheap and thread-safe.
     */
    public void gauge(String name, String help, Supplier<Number> value) {
        gauge(name, help, Map.of(), value);
    }

    /** As {@link #gauge(String, String, Supplier)}, one series per distinct set of {@code tags}. */
    public void gauge(String name, String help, Map<String, String> tags, Supplier<Number> value) {
        Objects.requireNonNull(value, "value");
        Tags micrometerTags = Tags.empty();
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            micrometerTags = micrometerTags.and(tag.getKey(), tag.getValue());
        }
        Gauge.builder(name, value).description(help).tags(micrometerTags).strongReference(true).register(registry);
    }

    /** The Prometheus text exposition (format 0.0.4) of every metric. */
    public String scrape() {
        bindJvmMeters();
        return registry.scrape();
    }

    /** For binders the core may want to add (e.g. executor metrics). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (gcMetrics != null) {
                gcMetrics.close();
            }
        }
        registry.close();
    }

    private static Duration[] seconds(double... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return durations;
    }
}
