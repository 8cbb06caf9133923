package io.vmnetd.daemon.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One scrape of vmnetd's /metrics on its Unix socket: the daemon's own view of where a vmnet call's time went, which
 * the shim's exec time alone cannot tell. Keys are the sample lines' names with labels, each label set ending in
 * ",}" whether or not the daemon printed the trailing comma; of the JVM's own meters only the GC pauses are kept.
 */
record VmnetdMetrics(Map<String, Double> values) {
    double get(String key) {
        return values.getOrDefault(key, 0.0);
    }

    double sumMatching(String prefix) {
        return values.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** Null when the daemon cannot be read: the bench then reports no breakdown rather than failing. */
    static VmnetdMetrics scrape(String socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap("GET /metrics HTTP/1.1\r\nHost: vmnetd\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            StringBuilder text = new StringBuilder();
            while (ch.read(buf) >= 0) {
                buf.flip();
                text.append(StandardCharsets.UTF_8.decode(buf));
                buf.clear();
            }
            Map<String, Double> values = new HashMap<>();
            for (String l : text.toString().split("\n")) {
                if (l.startsWith("vmnetd_") || l.startsWith("jvm_gc_pause_seconds")) {
                    int sp = l.lastIndexOf(' ');
                    try {
                        values.put(l.substring(0, sp).replace(",}", "}").replace("}", ",}"),
                                Double.parseDouble(l.substring(sp + 1)));
                    } catch (NumberFormatException e) {
                        // not a sample
                    }
                }
            }
            return new VmnetdMetrics(values);
        } catch (IOException e) {
            System.err.println("CniBench: cannot read vmnetd's /metrics on " + socket + ": " + e.getMessage());
            return null;
        }
    }
}
