package io.vmnetd.cli.http;

import java.util.Locale;
import java.util.Map;

/** A reply from the daemon; header names are lower-case. */
public record HttpResponse(int status, Map<String, String> headers, String body) {
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
