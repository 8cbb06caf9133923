package io.vmnetd.netlink;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Golden bytes for tests: hex text where {@code #} starts a comment to the end of the line and whitespace is
 * ignored, either inline (hand-written expectations) or from {@code src/test/resources/golden/} (captured data).
 */
public final class GoldenBytes {
    private GoldenBytes() {}

    /** Parses commented hex text. */
    public static byte[] hex(String text) {
        StringBuilder digits = new StringBuilder();
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            digits.append((hash < 0 ? line : line.substring(0, hash)).replaceAll("\\s+", ""));
        }
        return HexFormat.of().parseHex(digits);
    }

    /** Loads {@code golden/<path>}, e.g. {@code kernel/link-br0.hex}. */
    public static byte[] load(String path) {
        try (InputStream in = GoldenBytes.class.getResourceAsStream("/golden/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no golden resource " + path);
            }
            return hex(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The golden bytes as a datagram, in the host order the library reads. */
    public static ByteBuffer datagram(String path) {
        return ByteBuffer.wrap(load(path)).order(ByteOrder.nativeOrder());
    }

    /** The bytes between position and limit, without moving the buffer. */
    public static byte[] bytesOf(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    public static String toHex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** The golden data and hand-written expectations are in x86 (little-endian) host order. */
    public static boolean hostIsLittleEndian() {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    }
}
