package io.vmnetd.daemon.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A deliberately small HTTP/1.1 client over a Unix socket, written from the JDK alone so it shares nothing with netty. */
final class UnixHttpClient {

    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
            return values.isEmpty() ? null : values.get(0);
        }

        List<String> headerValues(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    private UnixHttpClient() {}

    static Response get(Path socket, String path) throws IOException {
        return request(socket, "GET", path, null);
    }

    static Response post(Path socket, String path, String body) throws IOException {
        return request(socket, "POST", path, body.getBytes(StandardCharsets.UTF_8));
    }

    static Response request(Path socket, String method, String path, byte[] body) throws IOException {
        List<Response> responses = exchange(socket, requestBytes(method, path, body, true));
        if (responses.size() != 1) {
            throw new IOException("expected one response, got " + responses.size());
        }
        return responses.get(0);
    }

    static byte[] requestBytes(String method, String path, byte[] body, boolean close) {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: vmnetd\r\n");
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        if (close) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        if (body == null) {
            return headBytes;
        }
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    /** Writes {@code raw}, reads until the server closes, and parses every response in what came back. */
    static List<Response> exchange(Path socket, byte[] raw) throws IOException {
        try (SocketChannel channel = connect(socket)) {
            try {
                write(channel, raw);
            } catch (IOException e) {
                // The server may answer and close before taking all of it (413); read what it said.
            }
            return parseAll(readToEnd(channel));
        }
    }

    static SocketChannel connect(Path socket) throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(socket));
    }

    static void write(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    static byte[] readToEnd(SocketChannel channel) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (true) {
            int n;
            try {
                n = channel.read(buffer);
            } catch (IOException e) {
                break; // a reset after the response: keep what arrived
            }
            if (n < 0) {
                break;
            }
            out.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
        return out.toByteArray();
    }

    static List<Response> parseAll(byte[] bytes) throws IOException {
        List<Response> responses = new ArrayList<>();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (at < text.length()) {
            int headEnd = text.indexOf("\r\n\r\n", at);
            if (headEnd < 0) {
                throw new IOException("incomplete response head: " + text.substring(at));
            }
            String[] lines = text.substring(at, headEnd).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
            }
            int bodyStart = headEnd + 4;
            List<String> length = headers.get("content-length");
            int bodyEnd = length == null ? text.length() : bodyStart + Integer.parseInt(length.get(0));
            String body = new String(text.substring(bodyStart, bodyEnd).getBytes(StandardCharsets.ISO_8859_1),
                    StandardCharsets.UTF_8);
            responses.add(new Response(status, headers, body));
            at = bodyEnd;
        }
        return responses;
    }
}
