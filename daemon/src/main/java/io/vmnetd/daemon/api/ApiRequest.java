package io.vmnetd.daemon.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request, copied out of netty's buffers so that a worker thread can hold it as long as it likes.
 *
 * @param caller empty on the TCP metrics listener, where there is no peer identity
 */
record ApiRequest(String method, String path, Map<String, List<String>> query, byte[] body, Optional<Caller> caller) {

    ApiRequest {
        query = Map.copyOf(query);
    }

    /** The last value of a query parameter, as most HTTP frameworks read {@code ?a=1&a=2}. */
    Optional<String> queryParameter(String name) {
        List<String> values = query.getOrDefault(name, List.of());
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }
}
