package io.vmnetd.daemon.cni;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to one CNI call, shaped for the shim: it writes {@code stdout} to its stdout, {@code warning} to its
 * stderr and exits with {@code exitCode}.
 *
 * @param notReady the daemon cannot answer yet; the shim retries until it can (sent as 503 + Retry-After)
 */
public record CniReply(int exitCode, String stdout, Optional<String> warning, boolean notReady) {

    public CniReply {
        if (exitCode < 0 || exitCode > 255) {
            throw new IllegalArgumentException("exit code out of range: " + exitCode + "; allowed: 0..255");
        }
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(warning, "warning");
    }
}
