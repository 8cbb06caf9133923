package io.vmnetd.kube.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A status condition as Harvester writes them (wrangler's: times as RFC 3339 strings).
 *
 * @param type e.g. {@code ready}
 * @param status True, False or Unknown
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(String type, String status, String reason, String message, String lastUpdateTime,
                        String lastTransitionTime) {

    /** The same condition apart from its times. */
    public boolean sameAs(Condition other) {
        return other != null && java.util.Objects.equals(type, other.type) && java.util.Objects.equals(status, other.status)
                && java.util.Objects.equals(reason, other.reason) && java.util.Objects.equals(message, other.message);
    }
}
