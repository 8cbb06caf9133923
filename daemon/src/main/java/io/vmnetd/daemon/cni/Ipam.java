package io.vmnetd.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmnetd.daemon.config.CniSettings;
import io.vmnetd.daemon.exec.ChildProcess;
import io.vmnetd.daemon.exec.Command;
import io.vmnetd.daemon.exec.Limits;
import io.vmnetd.daemon.exec.SpawnException;
import io.vmnetd.daemon.exec.TrustedExecutable;
import io.vmnetd.daemon.exec.UntrustedPathException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Runs IPAM plugins exactly as the CNI spec says (CNI_* environment, network config on stdin, result on stdout), only
 * from the directories the daemon's config allows, at the highest spec version both the caller and the plugin speak,
 * and never longer than {@code cni.ipamTimeoutSeconds}.
 */
final class Ipam {
    private static final Logger LOG = Logger.getLogger(Ipam.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A CNI result is a few KiB; anything near this is not one. */
    static final int MAX_STDOUT = 1 << 20;
    static final int MAX_STDERR = 64 << 10;

    private final Supplier<CniSettings> settings;
    private final Map<String, List<String>> versions = new ConcurrentHashMap<>();

    Ipam(Supplier<CniSettings> settings) {
        this.settings = settings;
    }

    /** IPAM ADD: the plugin's result, as JSON. */
    JsonNode add(NetConf conf, IpamCall call) throws CniError {
        Path plugin = locate(conf, call);
        JsonNode result = parse(run(plugin, "ADD", call, conf, negotiate(plugin, conf.cniVersion())), plugin);
        if (result == null || !result.isObject()) {
            throw new CniError(CniError.DECODING_FAILURE, "IPAM plugin " + plugin.getFileName()
                    + " answered ADD with something that is not a JSON object");
        }
        return result;
    }

    /** IPAM DEL: releases what ADD took; a plugin's error is thrown. */
    void del(NetConf conf, IpamCall call) throws CniError {
        Path plugin = locate(conf, call);
        run(plugin, "DEL", call, conf, negotiate(plugin, conf.cniVersion()));
    }

    /**
     * Finds the plugin: first in the entries of the caller's CNI_PATH that are allowed directories, in their order,
     * then in the allowed directories ({@code cni.ipamDirs}). Entries outside the allowed directories are skipped,
     * never searched: a member of the socket's group must never make the root daemon run a program of its choosing.
     */
    Path locate(NetConf conf, IpamCall call) throws CniError {
        Set<Path> searched = searchPath(call);
        String type = conf.ipamType().orElseThrow();
        if (type.contains("/") || type.equals(".") || type.equals("..") || type.isEmpty()) {
            throw NetConf.invalid("ipam.type", "\"" + type + "\" must be a plugin name, not a path");
        }
        for (Path dir : searched) {
            Path candidate = dir.resolve(type);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new CniError(CniError.INVALID_NETWORK_CONFIG, "ipam.type: no IPAM plugin \"" + type + "\" in any "
                + "allowed directory; searched " + (searched.isEmpty() ? "nothing (cni.ipamDirs is empty)" : searched)
                + "; CNI_PATH entries outside cni.ipamDirs " + settings.get().ipamDirs() + " are not searched");
    }

    /** The allowed entries of the caller's CNI_PATH, in their order, then the allowed directories. */
    private Set<Path> searchPath(IpamCall call) {
        List<Path> allowed = new ArrayList<>();
        for (Path d : settings.get().ipamDirs()) {
            allowed.add(canonical(d));
        }
        Set<Path> searched = new LinkedHashSet<>();
        for (String entry : call.cniPath().split(":")) {
            if (!entry.isEmpty() && allowed.contains(canonical(Path.of(entry)))) {
                searched.add(canonical(Path.of(entry)));
            }
        }
        searched.addAll(allowed);
        return searched;
    }

    private static Path canonical(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** The version to call the plugin with: the caller's, or the highest below it that the plugin supports. */
    private String negotiate(Path plugin, String wanted) throws CniError {
        String key = plugin + "@" + mtime(plugin);
        List<String> known = versions.get(key);
        if (known == null) {
            known = askVersions(plugin, wanted);
            if (!known.isEmpty()) { // a failed VERSION call is asked again next time, not remembered
                versions.put(key, known);
            }
        }
        List<String> theirs = known;
        if (theirs.contains(wanted)) {
            return wanted;
        }
        return CniVersions.highestCommon(wanted, theirs).orElseThrow(() -> new CniError(CniError.INCOMPATIBLE_VERSION,
                "IPAM plugin " + plugin.getFileName() + " supports none of the versions up to " + wanted,
                "it supports " + theirs));
    }

    /** What VERSION answers; empty when the plugin's answer is unusable (asked again next time). */
    private List<String> askVersions(Path plugin, String wanted) throws CniError {
        Outcome r = exec(plugin, Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"" + wanted + "\"}");
        List<String> out = new ArrayList<>();
        try {
            JSON.readTree(r.stdout()).path("supportedVersions").forEach(v -> out.add(v.asText()));
        } catch (IOException e) {
            return List.of();
        }
        return r.exitCode() == 0 ? out : List.of();
    }

    private static long mtime(Path plugin) {
        try {
            return Files.getLastModifiedTime(plugin).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Runs {@code command} with the netconf rewritten to {@code version}; a plugin error becomes a CniError. */
    private String run(Path plugin, String command, IpamCall call, NetConf conf, String version) throws CniError {
        ObjectNode netconf = conf.raw().deepCopy();
        netconf.put("cniVersion", version);
        // The plugin's own CNI_PATH (for plugins that delegate) holds the directories vmnetd searched, and only those:
        // never empty (host-local refuses that), never an entry vmnetd would not run from itself.
        String cniPath = String.join(":", searchPath(call).stream().map(Path::toString).toList());
        Outcome r = exec(plugin, call.withCniPath(cniPath).environment(command), netconf.toString());
        if (r.exitCode() != 0) {
            JsonNode err = parse(r.stdout(), plugin);
            if (err != null && err.has("code")) {
                throw new CniError(err.path("code").asInt(CniError.IO_FAILURE),
                        "IPAM plugin " + plugin.getFileName() + ": " + err.path("msg").asText(),
                        err.path("details").asText(""));
            }
            throw new CniError(CniError.IO_FAILURE, "IPAM plugin " + plugin.getFileName() + " " + command
                    + " failed with exit " + r.exitCode(), (r.stdout() + " " + r.stderr()).strip());
        }
        return r.stdout();
    }

    private static JsonNode parse(String text, Path plugin) throws CniError {
        try {
            return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new CniError(CniError.DECODING_FAILURE, "IPAM plugin " + plugin.getFileName()
                    + " printed something that is not JSON", e.getMessage());
        }
    }

    private record Outcome(int exitCode, String stdout, String stderr) {}

    /**
     * Runs the plugin through {@link ChildProcess}: opened and checked (root-owned, writable by nobody else, all the
     * way up) right before it runs, by the descriptor that then runs; its whole process group killed at the timeout.
     */
    private Outcome exec(Path plugin, Map<String, String> env, String stdin) throws CniError {
        String name = plugin.getFileName().toString();
        Map<String, String> environment = new HashMap<>(env);
        environment.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        Limits limits = Limits.of(settings.get().ipamTimeout(), MAX_STDOUT, MAX_STDERR);
        io.vmnetd.daemon.exec.Outcome outcome;
        try (TrustedExecutable program = TrustedExecutable.open(plugin)) {
            outcome = ChildProcess.run(program, Command.of(program, environment, stdin.getBytes(StandardCharsets.UTF_8)),
                    limits);
        } catch (UntrustedPathException e) {
            throw new CniError(CniError.INVALID_NETWORK_CONFIG, "ipam.type: IPAM plugin " + name + " is refused: "
                    + e.getMessage());
        } catch (SpawnException e) {
            throw new CniError(CniError.IO_FAILURE, "cannot run IPAM plugin " + plugin, e.getMessage());
        }
        if (outcome instanceof io.vmnetd.daemon.exec.Outcome.Exited x) {
            if (x.outputLeftOpen()) {
                LOG.warning("IPAM plugin " + name + " exited but left a process holding its output open");
            }
            return new Outcome(x.code(), x.stdoutText(), x.stderrText());
        }
        if (outcome instanceof io.vmnetd.daemon.exec.Outcome.TimedOut t) {
            throw new CniError(CniError.IO_FAILURE, "IPAM plugin " + name + " timed out after "
                    + t.after().toSeconds() + " s; it and its process group were killed",
                    "cni.ipamTimeoutSeconds is " + limits.timeout().toSeconds());
        }
        if (outcome instanceof io.vmnetd.daemon.exec.Outcome.OutputTooLarge o) {
            throw new CniError(CniError.IO_FAILURE, "IPAM plugin " + name + " wrote more than " + o.limit()
                    + " bytes to " + o.stream().name().toLowerCase(java.util.Locale.ROOT) + "; it was killed");
        }
        throw new CniError(CniError.IO_FAILURE, "IPAM plugin " + name + " failed: " + outcome.describe());
    }
}
