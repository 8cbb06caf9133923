package io.vmnetd.daemon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A small HTTP/1.1 client over a Unix socket, from the JDK alone (nothing shared with the daemon's netty): one
 * request per connection, {@code Connection: close}, Content-Length or chunked replies.
 */
public final class UnixHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path socket;

    public UnixHttp(Path socket) {
        this.socket = socket;
    }

    /** A reply; header names are lower-case. */
    public record Response(int status, Map<String, String> headers, String body) {
        /** The body parsed as JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public Response requireOk() {
            if (status != 200) {
                throw new AssertionError("expected 200, got " + status + ": " + body);
            }
            return this;
        }
    }

    public Response get(String path) throws IOException {
        return request("GET", path, null);
    }

    public Response post(String path, String body) throws IOException {
        return request("POST", path, body.getBytes(StandardCharsets.UTF_8));
    }

    public Response request(String method, String path, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder().append(method).append(' ').append(path)
                .append(" HTTP/1.1\r\nHost: vmnetd\r\nConnection: close\r\n");
        if (body != null) {
            head.append("Content-Type: application/yaml\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
        if (body != null) {
            raw.writeBytes(body);
        }
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer out = ByteBuffer.wrap(raw.toByteArray());
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(16384);
            while (channel.read(buffer) >= 0) {
                in.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return parse(in.toByteArray());
        }
    }

    static Response parse(byte[] bytes) throws IOException {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            throw new IOException("incomplete response: " + text);
        }
        String[] lines = text.substring(0, headEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String rest = text.substring(headEnd + 4);
        String body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            StringBuilder b = new StringBuilder();
            int at = 0;
            while (true) {
                int eol = rest.indexOf("\r\n", at);
                int size = Integer.parseInt(rest.substring(at, eol).split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                b.append(rest, eol + 2, eol + 2 + size);
                at = eol + 2 + size + 2;
            }
            body = b.toString();
        } else if (headers.containsKey("content-length")) {
            body = rest.substring(0, Integer.parseInt(headers.get("content-length")));
        } else {
            body = rest;
        }
        return new Response(status, headers,
                new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }
}
