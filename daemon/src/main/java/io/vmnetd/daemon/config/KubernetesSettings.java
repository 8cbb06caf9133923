package io.vmnetd.daemon.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Kubernetes mode, on when the config has a {@code kubernetes:} section: cluster networks, VLAN configs and network
 * attachment definitions are read from the API server (Harvester's resources) and statuses written back. The
 * daemon loads the code for it ({@code vmnetd-kube.jar}) only then.
 *
 * @param nodeName this node's Node; empty: {@code $VMNETD_NODE_NAME} if set (a DaemonSet passes
 *     {@code spec.nodeName}), else the host name
 * @param kubeconfig a kubeconfig file; empty: the pod's service account (in-cluster), else the client's defaults
 *     ({@code $KUBECONFIG}, {@code ~/.kube/config})
 * @param resyncSeconds how often every watched object is looked at again from the local cache (no API request)
 */
public record KubernetesSettings(Optional<String> nodeName, Optional<Path> kubeconfig, int resyncSeconds) {

    public static final int DEFAULT_RESYNC_SECONDS = 300;
    public static final int MIN_RESYNC_SECONDS = 30;
    public static final int MAX_RESYNC_SECONDS = 86_400;
    public static final String NODE_NAME_ENV = "VMNETD_NODE_NAME";

    public KubernetesSettings {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(kubeconfig, "kubeconfig");
    }

    public static KubernetesSettings defaults() {
        return new KubernetesSettings(Optional.empty(), Optional.empty(), DEFAULT_RESYNC_SECONDS);
    }

    /** The node name to use: the configured one, else {@value #NODE_NAME_ENV}, else the host name in lower case. */
    public String resolvedNodeName() {
        if (nodeName.isPresent()) {
            return nodeName.get();
        }
        String fromEnv = System.getenv(NODE_NAME_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        try {
            // What uname -n says, without the DNS lookups InetAddress.getLocalHost() may make.
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            throw new IllegalStateException("kubernetes.nodeName is not set and the host name cannot be read: "
                    + e.getMessage(), e);
        }
    }
}
