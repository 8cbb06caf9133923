package io.vmnetd.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs an IPAM plugin exactly as the CNI spec says (CNI_* environment, network config on stdin, result on
 * stdout), only from the directories the daemon's config allows, at the highest spec version both it and vmnet
 * speak.
 */
final class IpamPlugin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 60;
    private static final Map<String, List<String>> VERSIONS = new ConcurrentHashMap<>();

    private final Path executable;
    private final String cniPath;

    private IpamPlugin(Path executable, String cniPath) {
        this.executable = executable;
        this.cniPath = cniPath;
    }

    /**
     * Finds {@code type} on {@code cniPath}, refusing a type that is a path and a CNI_PATH that leaves the allowed
     * directories: a member of the socket's group must never make the root daemon run a program of its choosing.
     */
    static IpamPlugin locate(String type, String cniPath, List<Path> allowedDirs) throws CniError {
        if (type.contains("/") || type.equals(".") || type.equals("..") || type.isEmpty()) {
            throw NetConf.invalid("ipam.type", "\"" + type + "\" must be a plugin name, not a path");
        }
        List<Path> allowed = new ArrayList<>();
        for (Path d : allowedDirs) {
            allowed.add(canonical(d));
        }
        for (String entry : cniPath.split(":")) {
            if (entry.isEmpty()) {
                continue;
            }
            Path dir = canonical(Path.of(entry));
            if (!allowed.contains(dir)) {
                throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_PATH entry " + entry
                        + " is not a directory IPAM plugins may run from; allowed (cni.ipamDirs): " + allowedDirs);
            }
            Path candidate = dir.resolve(type);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return new IpamPlugin(candidate, cniPath);
            }
        }
        throw new CniError(CniError.INVALID_NETWORK_CONFIG, "ipam.type: no IPAM plugin \"" + type + "\" in CNI_PATH "
                + cniPath);
    }

    private static Path canonical(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** The version to call the plugin with: the caller's, or the highest below it that the plugin supports. */
    String negotiate(String wanted) throws CniError {
        String key = executable.toString() + "@" + mtime();
        List<String> known = VERSIONS.get(key);
        if (known == null) {
            known = askVersions(wanted);
            if (!known.isEmpty()) { // a failed VERSION call is asked again next time, not remembered
                VERSIONS.put(key, known);
            }
        }
        List<String> theirs = known;
        if (theirs.contains(wanted)) {
            return wanted;
        }
        return CniVersions.highestCommon(wanted, theirs).orElseThrow(() -> new CniError(CniError.INCOMPATIBLE_VERSION,
                "IPAM plugin " + executable.getFileName() + " supports none of the versions up to " + wanted,
                "it supports " + theirs));
    }

    private List<String> askVersions(String wanted) {
        try {
            Result r = exec("VERSION", Map.of(), "{\"cniVersion\":\"" + wanted + "\"}");
            List<String> out = new ArrayList<>();
            JsonNode n = JSON.readTree(r.stdout()).path("supportedVersions");
            n.forEach(v -> out.add(v.asText()));
            return out;
        } catch (IOException | CniError e) {
            return List.of();
        }
    }

    private long mtime() {
        try {
            return Files.getLastModifiedTime(executable).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Runs ADD/DEL/CHECK with {@code netconf} rewritten to {@code version}; a plugin error becomes a CniError. */
    JsonNode call(String command, Map<String, String> env, ObjectNode netconf, String version) throws CniError {
        ObjectNode conf = netconf.deepCopy();
        conf.put("cniVersion", version);
        Result r = exec(command, env, conf.toString());
        if (r.exitCode() != 0) {
            JsonNode err = parse(r.stdout());
            if (err != null && err.has("code")) {
                throw new CniError(err.path("code").asInt(CniError.IO_FAILURE),
                        "IPAM plugin " + executable.getFileName() + ": " + err.path("msg").asText(),
                        err.path("details").asText(""));
            }
            throw new CniError(CniError.IO_FAILURE, "IPAM plugin " + executable.getFileName() + " failed with exit "
                    + r.exitCode(), (r.stdout() + " " + r.stderr()).strip());
        }
        return parse(r.stdout());
    }

    private record Result(int exitCode, String stdout, String stderr) {}

    private Result exec(String command, Map<String, String> env, String stdin) throws CniError {
        ProcessBuilder pb = new ProcessBuilder(executable.toString());
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        e.putAll(env);
        e.put("CNI_COMMAND", command);
        e.put("CNI_PATH", cniPath);
        try {
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException notRead) {
                // The plugin may exit without reading stdin (skel plugins do for VERSION); its stdout is the answer.
            }
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CniError(CniError.IO_FAILURE, "IPAM plugin " + executable.getFileName() + " timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException ex) {
            throw new CniError(CniError.IO_FAILURE, "cannot run IPAM plugin " + executable, ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new CniError(CniError.TRY_AGAIN_LATER, "interrupted while running IPAM plugin " + executable);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    Optional<Path> path() {
        return Optional.of(executable);
    }
}
