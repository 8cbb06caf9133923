package io.vmnetd.daemon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.daemon.Daemon;
import io.vmnetd.daemon.config.ConfigLoader;
import io.vmnetd.netlink.testing.Shell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One vmnetd for a lab test: its config file, socket and state directory in a fresh temp directory, run either
 * in-process ({@link Daemon#start}, in the test JVM's network namespace) or as a separate {@code java -jar
 * daemon/target/vmnetd.jar} process (for kill -9), and an API client for its socket.
 *
 * <p>The config file is {@link #settingsYaml()} (socket, stateDir, logLevel, resyncSeconds and whatever
 * {@link #setting} added) followed by the networks part the test gives; {@link #yaml(String)} builds the same
 * document for POST /v1/config. {@link #close()} stops the daemon (an in-process one closed, a process SIGKILLed;
 * links stay, as in production) and deletes the temp directory.
 */
public final class DaemonUnderTest implements AutoCloseable {
    public static final Duration IN_PROCESS_READY = Duration.ofSeconds(60);
    /** A daemon JVM takes ~20 s to start in the TCG lab VM. */
    public static final Duration PROCESS_READY = Duration.ofSeconds(150);

    private final Path dir;
    private final Path socket;
    private final Path stateDir;
    private final Path configFile;
    private final Path processLog;
    private final List<String> extraSettings = new ArrayList<>();
    private final UnixHttp http;
    private int resyncSeconds = 60;
    /** The network namespace a daemon process runs in; null: the test JVM's. */
    private String netns;
    private final List<String> jvmArgs = new ArrayList<>();
    private String networksYaml = "";
    private Daemon inProcess;
    private boolean stateDirMounted;
    private Process process;

    private DaemonUnderTest(Path dir) {
        this.dir = dir;
        this.socket = dir.resolve("run/vmnetd.sock");
        this.stateDir = dir.resolve("state");
        this.configFile = dir.resolve("vmnetd.yaml");
        this.processLog = dir.resolve("vmnetd.log");
        this.http = new UnixHttp(socket);
    }

    /** A daemon not started yet, with its config file holding {@code networksYaml} (clusterNetworks, vmNetworks). */
    public static DaemonUnderTest create(String networksYaml) {
        try {
            // Under /tmp and short: a Unix socket path has at most 107 bytes.
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "vmnetd-");
            DaemonUnderTest d = new DaemonUnderTest(dir);
            d.writeConfig(networksYaml);
            return d;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Adds a top-level line such as {@code "socketGroup: vmnet"} to {@link #settingsYaml()} and rewrites the config
     * file with it (the networks part as last written); call before starting.
     */
    public DaemonUnderTest setting(String yamlLine) {
        extraSettings.add(yamlLine);
        writeConfig(networksYaml);
        return this;
    }

    /** Sets resyncSeconds (default 60) and rewrites the config file; call before starting. */
    public DaemonUnderTest resyncSeconds(int seconds) {
        this.resyncSeconds = seconds;
        writeConfig(networksYaml);
        return this;
    }

    /** The top of every config this daemon gets: where its socket and state are, and the extra settings. */
    public String settingsYaml() {
        StringBuilder s = new StringBuilder()
                .append("socket: ").append(socket).append('\n')
                .append("stateDir: ").append(stateDir).append('\n')
                .append("logLevel: info\n")
                .append("resyncSeconds: ").append(resyncSeconds).append('\n');
        extraSettings.forEach(line -> s.append(line).append('\n'));
        return s.toString();
    }

    /** {@link #settingsYaml()} followed by {@code networksYaml}: a whole config document. */
    public String yaml(String networksYaml) {
        return settingsYaml() + networksYaml;
    }

    /** Replaces the config file (for a start, a restart or {@link Daemon#reload()}). */
    public void writeConfig(String networksYaml) {
        this.networksYaml = networksYaml;
        writeRawConfig(yaml(networksYaml));
    }

    /** Replaces the config file with exactly {@code document}, valid or not. */
    public void writeRawConfig(String document) {
        try {
            Files.writeString(configFile, document);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Puts the state directory on its own small tmpfs ({@code size}, e.g. "512k"), to fill it up or make it
     * read-only; unmounted by {@link #close()}. Call before starting.
     */
    public DaemonUnderTest stateDirOnTmpfs(String size) {
        requireStopped();
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Shell.check("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "vmnetd-state", stateDir.toString());
        stateDirMounted = true;
        return this;
    }

    /** Starts the daemon inside the test JVM and waits until /readyz answers 200. */
    public DaemonUnderTest startInProcess() {
        requireStopped();
        try {
            inProcess = Daemon.start(configFile, ConfigLoader.load(configFile));
        } catch (Exception e) {
            throw new IllegalStateException("in-process daemon did not start: " + e, e);
        }
        awaitReady(IN_PROCESS_READY);
        return this;
    }

    /** Starts {@code java -jar daemon/target/vmnetd.jar --config FILE} and waits until /readyz answers 200. */
    public DaemonUnderTest startProcess() {
        launchProcess();
        awaitReady(PROCESS_READY);
        return this;
    }

    /**
     * Starts the daemon process without waiting (then {@link #awaitReady}): several daemons start side by side this
     * way, which in the TCG lab saves a JVM start (20+ s) each.
     */
    public DaemonUnderTest launchProcess() {
        requireStopped();
        process = launch();
        return this;
    }

    /**
     * Runs the daemon process in the named network namespace ({@code ip netns exec}), as one node of several; call
     * before starting. Its links, and those {@link KernelState#in} reads, are that namespace's.
     */
    public DaemonUnderTest inNetns(String name) {
        this.netns = name;
        return this;
    }

    /** Adds a JVM option for the daemon process, e.g. {@code -Dvmnetd.kube.jar=...}; call before starting. */
    public DaemonUnderTest jvmArg(String arg) {
        jvmArgs.add(arg);
        return this;
    }

    /** Launches the daemon process without waiting for anything (output appended to {@link #processLog()}). */
    public Process launch() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>();
        if (netns != null) {
            // ip execs java in the namespace: the process (and its pid, for kill -9) is the daemon's.
            command.addAll(List.of("ip", "netns", "exec", netns));
        }
        command.addAll(List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(classDataSharing(jar()));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar().toString(), "--config", configFile.toString()));
        try {
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(processLog.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        }
    }

    /**
     * The class-data sharing archive scripts/test makes next to the jar (scripts/lib/package-cds.sh,
     * cds_test_archive), if there is one: a JVM start in the TCG lab is some 20 s, a good part of it parsing and
     * verifying classes the archive holds ready. The JVM ignores an archive that does not match the jar.
     */
    private static List<String> classDataSharing(Path jar) {
        Path archive = jar.resolveSibling("vmnetd.jsa");
        if (!Files.isReadable(archive)) {
            return List.of();
        }
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    /**
     * The shaded jar: the system property {@code vmnetd.jar} if set, else found from the working directory (the
     * repository root in the lab runner, or daemon/).
     */
    public static Path jar() {
        String override = System.getProperty("vmnetd.jar");
        if (override != null) {
            return Path.of(override).toAbsolutePath();
        }
        for (Path candidate : List.of(Path.of("daemon/target/vmnetd.jar"), Path.of("target/vmnetd.jar"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IllegalStateException("no daemon/target/vmnetd.jar under " + Path.of("").toAbsolutePath()
                + "; run mvn install first");
    }

    /** Polls /readyz until it answers 200. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new AssertionError("vmnetd exited with " + process.exitValue() + " before it was ready:\n" + log());
            }
            try {
                UnixHttp.Response r = http.get("/readyz");
                if (r.status() == 200) {
                    return;
                }
                last = r.status() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            sleep(100);
        }
        throw new AssertionError("vmnetd not ready after " + timeout + ": " + last + "\n" + log());
    }

    /** Stops the daemon cleanly (in-process close, or SIGTERM and wait); links stay. */
    public void stop() {
        if (inProcess != null) {
            inProcess.close();
            inProcess = null;
        }
        if (process != null) {
            process.destroy();
            waitFor(process, Duration.ofSeconds(60));
            process = null;
        }
    }

    /** SIGKILLs the daemon process and waits for it to be gone. */
    public void kill9() {
        if (process == null) {
            throw new IllegalStateException("kill9 needs a daemon process; this one is " + (inProcess != null ? "in-process" : "stopped"));
        }
        Shell.check("kill", "-9", Long.toString(process.pid()));
        waitFor(process, Duration.ofSeconds(30));
        process = null;
    }

    /** Stops and starts again the same way (in-process or process), with the current config file. */
    public void restart() {
        boolean wasProcess = process != null;
        stop();
        if (wasProcess) {
            startProcess();
        } else {
            startInProcess();
        }
    }

    /** The in-process daemon, e.g. for {@link Daemon#reload()}. */
    public Daemon daemon() {
        if (inProcess == null) {
            throw new IllegalStateException("no in-process daemon is running");
        }
        return inProcess;
    }

    /** The daemon process, if it runs as one. */
    public Process process() {
        return process;
    }

    public UnixHttp.Response get(String path) {
        try {
            return http.get(path);
        } catch (IOException e) {
            throw new AssertionError("GET " + path + ": " + e, e);
        }
    }

    public UnixHttp.Response post(String path, String body) {
        try {
            return http.post(path, body);
        } catch (IOException e) {
            throw new AssertionError("POST " + path + ": " + e, e);
        }
    }

    /** POST /v1/config with {@link #yaml(String)} of {@code networksYaml}. */
    public UnixHttp.Response postConfig(String networksYaml) {
        return post("/v1/config", yaml(networksYaml));
    }

    /** GET /v1/status, which must answer 200, parsed. */
    public JsonNode status() {
        return get("/v1/status").requireOk().json();
    }

    /** GET /metrics, which must answer 200, parsed. */
    public PromText metrics() {
        return PromText.parse(get("/metrics").requireOk().body());
    }

    public UnixHttp http() {
        return http;
    }

    public Path socket() {
        return socket;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** Where root's POST /v1/config is saved: the API overlay beside the state, never the config file. */
    public Path overlayFile() {
        return stateDir.resolve("config.api.yaml");
    }

    public Path configFile() {
        return configFile;
    }

    public Path dir() {
        return dir;
    }

    public Path processLog() {
        return processLog;
    }

    /** What the daemon processes wrote so far (empty for an in-process daemon, which logs to the test's stderr). */
    public String log() {
        try {
            return Files.exists(processLog) ? Files.readString(processLog, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + processLog + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        try {
            if (process != null) {
                process.destroyForcibly();
                waitFor(process, Duration.ofSeconds(30));
                process = null;
            }
            stop();
        } finally {
            if (stateDirMounted) {
                Shell.run("umount", "-l", stateDir.toString());
            }
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind in a throwaway VM
            }
        }
    }

    private void requireStopped() {
        if (inProcess != null || (process != null && process.isAlive())) {
            throw new IllegalStateException("the daemon is already running");
        }
    }

    private static void waitFor(Process p, Duration timeout) {
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
