package io.vmnetd.daemon.cluster;

import java.util.Objects;

/**
 * A network of a {@link NetworkSource} that the daemon does not run, and why.
 *
 * @param network the cluster or VM network's name
 * @param origin the object that declared it (see {@link SourcedNetworks.Sourced#origin()})
 * @param clashesWithFile true when the config file declares the same network differently or holds what it needs
 * @param reason a sentence naming the fields involved
 */
public record Refusal(String network, String origin, boolean clashesWithFile, String reason) {
    public Refusal {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(reason, "reason");
    }
}
