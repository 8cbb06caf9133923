package io.vmnetd.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Validates the top level of the document and hands the network sections to their own validators. */
final class ConfigValidator {

    private static final List<String> KEYS = List.of("socket", "socketGroup", "adminGroup", "stateDir", "logLevel",
            "resyncSeconds", "cni", "metrics", "api", "connectivity", "clusterNetworks", "vmNetworks",
            "hostNetworks", "kubernetes");
    private static final List<String> CNI_KEYS = List.of("ipamDirs", "ipamTimeoutSeconds", "reclaimSeconds",
            "netnsPaths");
    private static final List<String> METRICS_KEYS = List.of("listen");
    private static final List<String> API_KEYS = List.of("maxConnections", "maxConnectionsPerUser", "cniWorkers");
    private static final List<String> CONNECTIVITY_KEYS = List.of("intervalSeconds", "timeoutSeconds");

    // useradd's default NAME_REGEX, without the trailing '$' of Samba machine accounts.
    private static final Pattern GROUP_NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final String GROUP_NAME_RULE = "1..32 of [a-z0-9_-], starting with a letter or '_'";

    private static final IntRange INTERVAL_SECONDS = new IntRange(ConnectivitySettings.MIN_INTERVAL_SECONDS,
            ConnectivitySettings.MAX_INTERVAL_SECONDS);
    private static final IntRange TIMEOUT_SECONDS = new IntRange(ConnectivitySettings.MIN_TIMEOUT_SECONDS,
            ConnectivitySettings.MAX_TIMEOUT_SECONDS);
    private static final IntRange RESYNC_SECONDS = new IntRange(Config.MIN_RESYNC_SECONDS, Config.MAX_RESYNC_SECONDS);

    private final NodeValues values;

    ConfigValidator(Problems problems) {
        this.values = new NodeValues(problems);
    }

    /** Returns the config as far as it is valid; the caller must check the problems before using it. */
    Config validate(LocatedNode root) {
        Optional<MappingFields> top = MappingFields.of(root, "", values, KEYS);
        if (top.isEmpty()) {
            return Config.defaults();
        }
        MappingFields fields = top.get();
        ClusterNetworkValidator.Result clusterNetworks = new ClusterNetworkValidator(values)
                .validate(fields.get("clusterNetworks"), fields.path("clusterNetworks"));
        List<VmNetwork> vmNetworks = new VmNetworkValidator(values, clusterNetworks)
                .validate(fields.get("vmNetworks"), fields.path("vmNetworks"));
        List<HostNetwork> hostNetworks = new HostNetworkValidator(values, clusterNetworks)
                .validate(fields.get("hostNetworks"), fields.path("hostNetworks"));
        return new Config(
                fields.absolutePath("socket").orElse(Config.DEFAULT_SOCKET),
                fields.matching("socketGroup", name -> GROUP_NAME.matcher(name).matches(), "group name",
                        GROUP_NAME_RULE).orElse(Config.DEFAULT_SOCKET_GROUP),
                fields.matching("adminGroup", name -> GROUP_NAME.matcher(name).matches(), "group name", GROUP_NAME_RULE),
                fields.absolutePath("stateDir").orElse(Config.DEFAULT_STATE_DIR),
                fields.oneOf("logLevel", Config.LOG_LEVELS).orElse(Config.DEFAULT_LOG_LEVEL),
                fields.integer("resyncSeconds", RESYNC_SECONDS).orElse(Config.DEFAULT_RESYNC_SECONDS),
                cni(fields),
                metricsListen(fields),
                api(fields),
                clusterNetworks.networks(),
                vmNetworks,
                connectivity(fields),
                KubernetesValidator.validate(fields),
                hostNetworks);
    }

    private ConnectivitySettings connectivity(MappingFields top) {
        Optional<MappingFields> section = top.mapping("connectivity", CONNECTIVITY_KEYS);
        if (section.isEmpty()) {
            return ConnectivitySettings.defaults();
        }
        return new ConnectivitySettings(
                section.get().integer("intervalSeconds", INTERVAL_SECONDS)
                        .orElse(ConnectivitySettings.DEFAULT_INTERVAL_SECONDS),
                section.get().integer("timeoutSeconds", TIMEOUT_SECONDS)
                        .orElse(ConnectivitySettings.DEFAULT_TIMEOUT_SECONDS));
    }

    private ApiSettings api(MappingFields top) {
        Optional<MappingFields> api = top.mapping("api", API_KEYS);
        if (api.isEmpty()) {
            return ApiSettings.defaults();
        }
        int total = api.get().integer("maxConnections", ApiSettings.MAX_CONNECTIONS)
                .orElse(ApiSettings.DEFAULT_MAX_CONNECTIONS);
        int perUser = api.get().integer("maxConnectionsPerUser", ApiSettings.MAX_CONNECTIONS_PER_USER)
                .orElse(ApiSettings.DEFAULT_MAX_CONNECTIONS_PER_USER);
        if (perUser > total / 2) {
            api.get().get("maxConnectionsPerUser").ifPresent(node -> values.problems().add(node.location(),
                    api.get().path("maxConnectionsPerUser"), "out of range: " + perUser + "; allowed: 1.." + total / 2
                    + " (half of api.maxConnections: non-root callers together get only that half)"));
        }
        return new ApiSettings(total, perUser,
                api.get().integer("cniWorkers", ApiSettings.CNI_WORKERS).orElse(ApiSettings.DEFAULT_CNI_WORKERS));
    }

    private CniSettings cni(MappingFields top) {
        Optional<MappingFields> cni = top.mapping("cni", CNI_KEYS);
        if (cni.isEmpty()) {
            return CniSettings.defaults();
        }
        return new CniSettings(ipamDirs(cni.get()),
                Duration.ofSeconds(cni.get().integer("ipamTimeoutSeconds", CniSettings.IPAM_TIMEOUT_SECONDS)
                        .orElse(CniSettings.DEFAULT_IPAM_TIMEOUT_SECONDS)),
                Duration.ofSeconds(cni.get().integer("reclaimSeconds", CniSettings.RECLAIM_SECONDS)
                        .orElse(CniSettings.DEFAULT_RECLAIM_SECONDS)),
                netnsPaths(cni.get()));
    }

    /** Absolute, normalized paths whose components are names or a whole "*"; not "/" or a pattern ending in "*"/"". */
    private List<String> netnsPaths(MappingFields cni) {
        if (!cni.has("netnsPaths")) {
            return CniSettings.DEFAULT_NETNS_PATHS;
        }
        List<String> out = new ArrayList<>();
        cni.list("netnsPaths").ifPresent(list -> {
            for (int i = 0; i < list.items().size(); i++) {
                String path = Problems.item(cni.path("netnsPaths"), i);
                LocatedNode node = list.items().get(i);
                values.text(node, path).ifPresent(text -> {
                    String[] parts = text.split("/", -1);
                    boolean ok = text.startsWith("/") && parts.length >= 3 && !parts[parts.length - 1].isEmpty();
                    for (int p = 1; p < parts.length && ok; p++) {
                        ok = !parts[p].isEmpty() && !parts[p].equals(".") && !parts[p].equals("..")
                                && (parts[p].equals("*") || !parts[p].contains("*"));
                    }
                    if (ok) {
                        out.add(text);
                    } else {
                        values.problems().add(node.location(), path, "invalid pattern \"" + text + "\"; expected an "
                                + "absolute path of at least two components, each a name or a whole \"*\", e.g. "
                                + "/run/netns/*");
                    }
                });
            }
        });
        return out;
    }

    private List<Path> ipamDirs(MappingFields cni) {
        if (!cni.has("ipamDirs")) {
            return CniSettings.DEFAULT_IPAM_DIRS;
        }
        // An empty list is allowed: it forbids IPAM plugins altogether.
        List<Path> dirs = new ArrayList<>();
        cni.list("ipamDirs").ifPresent(list -> {
            for (int i = 0; i < list.items().size(); i++) {
                values.absolutePath(list.items().get(i), Problems.item(cni.path("ipamDirs"), i))
                        .ifPresent(dirs::add);
            }
        });
        return dirs;
    }

    private Optional<HostPort> metricsListen(MappingFields top) {
        Optional<MappingFields> metrics = top.mapping("metrics", METRICS_KEYS);
        if (metrics.isEmpty()) {
            return Optional.empty();
        }
        String path = metrics.get().path("listen");
        return metrics.get().get("listen").flatMap(node -> values.text(node, path).flatMap(text -> {
            try {
                return Optional.of(HostPort.parse(text));
            } catch (IllegalArgumentException e) {
                values.problems().add(node.location(), path, "invalid listen address \"" + text + "\": "
                        + e.getMessage() + "; expected host:port with port 1..65535");
                return Optional.empty();
            }
        }));
    }
}
