package io.vmnetd.daemon.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A response before it becomes HTTP: built on a worker thread, written on the channel's event loop.
 *
 * @param headers extra headers; a name may repeat
 */
record ApiResponse(HttpResponseStatus status, String contentType, byte[] body, List<Map.Entry<String, String>> headers) {

    static final String JSON = "application/json";
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    ApiResponse {
        headers = List.copyOf(headers);
    }

    static ApiResponse json(HttpResponseStatus status, byte[] body) {
        return new ApiResponse(status, JSON, body, List.of());
    }

    static ApiResponse text(HttpResponseStatus status, String contentType, String body) {
        return new ApiResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), List.of());
    }

    static ApiResponse error(HttpResponseStatus status, String message) {
        return json(status, ApiJson.error(message));
    }

    ApiResponse withHeader(String name, String value) {
        List<Map.Entry<String, String>> more = new java.util.ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new ApiResponse(status, contentType, body, more);
    }
}
