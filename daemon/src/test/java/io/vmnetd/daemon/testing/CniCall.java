package io.vmnetd.daemon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One call of the vmnet CNI plugin exactly as a container runtime makes it: the shim binary
 * {@code cni-shim/target/vmnet} run with a clean environment holding only the CNI_* variables (plus PATH and
 * VMNETD_SOCKET), the network configuration on stdin, the result or error read from stdout.
 *
 * <pre>{@code
 * CniCall.Result r = CniCall.add(socket, "c1", pod.path().toString(), "eth0", conf).run();
 * }</pre>
 */
public final class CniCall {
    /** Where runtimes look for IPAM plugins in these tests: Debian's containernetworking-plugins. */
    public static final String CNI_PATH = "/usr/lib/cni";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 180;

    private final Map<String, String> env = new LinkedHashMap<>();
    private String stdin = "";
    private Path executable = shim();

    private CniCall() {}

    /** A call of {@code command} against the daemon on {@code socket}, with no other CNI_* variable set yet. */
    public static CniCall command(String command, Path socket) {
        CniCall c = new CniCall();
        c.env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        if (command != null) {
            c.env.put("CNI_COMMAND", command);
        }
        if (socket != null) {
            c.env.put("VMNETD_SOCKET", socket.toString());
        }
        // A stopped daemon should fail a test quickly, not after the shim's 30 s default.
        c.env.put("VMNETD_WAIT_SECONDS", "5");
        return c;
    }

    /** A full runtime call: CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS (empty), CNI_PATH. */
    public static CniCall of(String command, Path socket, String containerId, String netns, String ifName,
                             String config) {
        return command(command, socket).containerId(containerId).netns(netns).ifName(ifName).args("")
                .path(CNI_PATH).config(config);
    }

    public static CniCall add(Path socket, String containerId, String netns, String ifName, String config) {
        return of("ADD", socket, containerId, netns, ifName, config);
    }

    public static CniCall del(Path socket, String containerId, String netns, String ifName, String config) {
        return of("DEL", socket, containerId, netns, ifName, config);
    }

    public static CniCall check(Path socket, String containerId, String netns, String ifName, String config) {
        return of("CHECK", socket, containerId, netns, ifName, config);
    }

    public CniCall containerId(String v) {
        return env("CNI_CONTAINERID", v);
    }

    public CniCall netns(String v) {
        return env("CNI_NETNS", v);
    }

    public CniCall ifName(String v) {
        return env("CNI_IFNAME", v);
    }

    public CniCall args(String v) {
        return env("CNI_ARGS", v);
    }

    public CniCall path(String v) {
        return env("CNI_PATH", v);
    }

    /** Sets (or, with null, removes) one environment variable. */
    public CniCall env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return this;
    }

    public CniCall unset(String name) {
        return env(name, null);
    }

    /** The network configuration written to stdin, byte for byte. */
    public CniCall config(String json) {
        this.stdin = json;
        return this;
    }

    /** Runs another plugin binary (e.g. the reference bridge plugin) with the same environment and stdin. */
    public CniCall plugin(Path binary) {
        this.executable = binary;
        return this;
    }

    /** The stdin this call writes. */
    public String configText() {
        return stdin;
    }

    public Map<String, String> environment() {
        return Map.copyOf(env);
    }

    public Result run() {
        ProcessBuilder pb = new ProcessBuilder(executable.toString());
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            CompletableFuture<byte[]> err = drain(p.getErrorStream());
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the plugin may exit without reading stdin (VERSION, a missing CNI_COMMAND)
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(executable + " did not finish within " + TIMEOUT_SECONDS + " s: " + env);
            }
            return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8), env.getOrDefault("CNI_COMMAND", ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + executable, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream s) {
        return CompletableFuture.supplyAsync(() -> {
            try (s) {
                return s.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The shim binary: {@code cni-shim/target/vmnet} of the repository the tests run in. */
    public static Path shim() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve("cni-shim/target/vmnet");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("cni-shim/target/vmnet not found above " + dir + "; build it (mvn install)");
    }

    /** What the plugin answered: its exit status, stdout and stderr. */
    public record Result(int exitCode, String stdout, String stderr, String command) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** stdout as JSON; an empty stdout (DEL, CHECK) is an empty object. */
        public JsonNode json() {
            try {
                return stdout.isBlank() ? JSON.createObjectNode() : JSON.readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("plugin stdout is not JSON: " + this, e);
            }
        }

        /** Fails unless the call succeeded; returns the result JSON. */
        public JsonNode orFail() {
            if (exitCode != 0) {
                throw new AssertionError(command + " failed: " + this);
            }
            return json();
        }

        /** The CNI error code of a failed call; fails if the call succeeded or printed no error object. */
        public int errorCode() {
            if (exitCode == 0) {
                throw new AssertionError(command + " succeeded, an error was expected: " + this);
            }
            JsonNode e = json();
            if (!e.path("code").canConvertToInt()) {
                throw new AssertionError("no CNI error object on stdout: " + this);
            }
            return e.get("code").asInt();
        }

        public String msg() {
            return json().path("msg").asText("");
        }

        public String details() {
            return json().path("details").asText("");
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ", stdout " + stdout.strip() + (stderr.isBlank() ? "" : ", stderr " + stderr.strip());
        }
    }
}
