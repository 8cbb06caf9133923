package io.vmnetd.kube.translate;

import java.util.Objects;

/**
 * What became of one NetworkAttachmentDefinition on this node.
 *
 * @param nad {@code namespace/name}
 * @param vmNetwork its name in vmnetd
 * @param vlans its port VLANs, e.g. {@code 100} or {@code 200-299}; empty for untagged
 * @param state READY (runs as declared), INVALID (declared wrongly: an earlier valid declaration may still run) or
 *     (set later, by the daemon) REFUSED
 */
public record NadReport(String nad, String clusterNetwork, String vmNetwork, String type, String vlans, State state,
                        String message) {

    public enum State { READY, INVALID, REFUSED }

    public NadReport {
        Objects.requireNonNull(nad, "nad");
        Objects.requireNonNull(clusterNetwork, "clusterNetwork");
        Objects.requireNonNull(vmNetwork, "vmNetwork");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(vlans, "vlans");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(message, "message");
    }
}
