package io.vmnetd.daemon.cluster;

import java.time.Instant;
import java.util.Objects;

/**
 * What a connectivity check of one VM network found on this node, as the checks report it to a {@link NetworkSource}
 * (through {@code Daemon.connectivity()}).
 *
 * @param vmNetwork the VM network's name in vmnetd
 * @param detail a short sentence for people, e.g. the gateway that did not answer
 */
public record ConnectivityResult(String vmNetwork, Outcome outcome, String detail, Instant checkedAt) {

    /** Spelled as Harvester's route annotation spells connectivity where it has a word for it. */
    public enum Outcome {
        CONNECTED("true"),
        UNREACHABLE("false"),
        DHCP_FAILED("DHCP failed"),
        PING_FAILED("ping failed");

        private final String harvesterName;

        Outcome(String harvesterName) {
            this.harvesterName = harvesterName;
        }

        public String harvesterName() {
            return harvesterName;
        }
    }

    public ConnectivityResult {
        Objects.requireNonNull(vmNetwork, "vmNetwork");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(checkedAt, "checkedAt");
    }
}
