package io.vmnetd.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmnetd.daemon.config.CniSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs IPAM plugins exactly as the CNI spec says (CNI_* environment, network config on stdin, result on stdout), only
 * from the directories the daemon's config allows, at the highest spec version both the caller and the plugin speak,
 * and never longer than {@code cni.ipamTimeoutSeconds}.
 */
final class Ipam {
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
        String type = conf.ipamType().orElseThrow();
        if (type.contains("/") || type.equals(".") || type.equals("..") || type.isEmpty()) {
            throw NetConf.invalid("ipam.type", "\"" + type + "\" must be a plugin name, not a path");
        }
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

    private List<String> askVersions(Path plugin, String wanted) {
        try {
            Outcome r = exec(plugin, Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"" + wanted + "\"}");
            List<String> out = new ArrayList<>();
            JsonNode n = JSON.readTree(r.stdout()).path("supportedVersions");
            n.forEach(v -> out.add(v.asText()));
            return out;
        } catch (IOException | CniError e) {
            return List.of();
        }
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
        Outcome r = exec(plugin, call.environment(command), netconf.toString());
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

    private Outcome exec(Path plugin, Map<String, String> env, String stdin) throws CniError {
        Duration timeout = settings.get().ipamTimeout();
        ProcessBuilder pb = new ProcessBuilder(plugin.toString());
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        e.putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException ex) {
            throw new CniError(CniError.IO_FAILURE, "cannot run IPAM plugin " + plugin, ex.getMessage());
        }
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream(), MAX_STDOUT));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream(), MAX_STDERR));
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException notRead) {
            // The plugin may exit without reading stdin (skel plugins do for VERSION); its stdout is the answer.
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new CniError(CniError.IO_FAILURE, "IPAM plugin " + plugin.getFileName() + " timed out after "
                        + timeout.toSeconds() + " s and was killed");
            }
            return new Outcome(p.exitValue(), new String(out.get(1, TimeUnit.SECONDS), StandardCharsets.UTF_8),
                    new String(err.get(1, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new CniError(CniError.TRY_AGAIN_LATER, "interrupted while running IPAM plugin " + plugin);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
            throw new CniError(CniError.IO_FAILURE, "IPAM plugin " + plugin.getFileName()
                    + " left its output open after exiting");
        }
    }

    private static byte[] drain(InputStream in, int limit) {
        try (in) {
            return in.readNBytes(limit);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
