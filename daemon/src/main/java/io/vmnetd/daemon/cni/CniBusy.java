package io.vmnetd.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * The answer to a CNI call that finds every worker busy and the queue full: CNI error 11 ("try again later") at
 * once, in the netconf's cniVersion, so that the runtime retries instead of the call hanging. A DEL is instead told
 * "not ready" (503), which the shim waits out and, failing that, treats as done, so that pod teardown never fails.
 */
public final class CniBusy {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CniBusy() {}

    /** @param load what keeps the daemon busy, e.g. "16 calls running and 128 waiting" */
    public static CniReply reply(byte[] body, String load) {
        String version = CniVersions.LATEST;
        boolean del = false;
        try {
            CniRequest request = CniRequest.parse(body);
            del = request.command().equals("DEL");
            version = cniVersion(request.config()).orElse(version);
        } catch (CniError e) {
            // Malformed: answered in the latest version, as CniService would.
        }
        CniError busy = new CniError(CniError.TRY_AGAIN_LATER, "vmnetd is busy; try again later",
                "every CNI worker is taken and the queue is full (" + load + ")");
        return new CniReply(1, CniResults.error(version, busy), Optional.empty(), del);
    }

    private static Optional<String> cniVersion(String config) {
        try {
            JsonNode node = JSON.readTree(config);
            JsonNode version = node == null ? null : node.get("cniVersion");
            return version != null && version.isTextual() && CniVersions.isSupported(version.asText())
                    ? Optional.of(version.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
