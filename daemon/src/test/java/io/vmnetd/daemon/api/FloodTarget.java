package io.vmnetd.daemon.api;

import io.vmnetd.daemon.cni.CniReply;
import io.vmnetd.daemon.config.HostPort;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The API server alone, in a JVM of its own, behind a fake core whose CNI calls take {@code cniMillis} (as a real one
 * waits on netlink), for flood tests and the flood bench: the flood must not share the measuring JVM, and a small
 * heap and direct memory limit make an unbounded server fail the way the issue saw it (OutOfMemoryError).
 *
 * <p>Usage: {@code FloodTarget SOCKET GROUP CNI_MILLIS}; prints "ready PORT" (the metrics listener's port on
 * 127.0.0.1) and serves until stdin closes.
 */
public final class FloodTarget {

    private FloodTarget() {}

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        String group = args[1];
        long cniMillis = Long.parseLong(args[2]);
        FakeDaemonApi api = new FakeDaemonApi();
        api.status = () -> Map.of("version", "flood-target", "ready", true);
        api.cni = (body, caller) -> {
            ApiServerEndpointsTest.sleep(cniMillis);
            return new CniReply(0, "{\"cniVersion\":\"1.1.0\"}", Optional.empty(), false);
        };
        StringBuilder metrics = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            metrics.append("vmnetd_flood_series{n=\"").append(i).append("\"} ").append(i).append('\n');
        }
        api.metricsText = metrics.toString();
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        ApiServerOptions options = ApiServerOptions.defaults()
                .withMetricsListen(Optional.of(new HostPort("127.0.0.1", port)));
        try (ApiServer server = ApiServer.start(socket, group, api, options)) {
            System.out.println("ready " + server.metricsAddress().orElseThrow().getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our stdin
            }
        }
    }
}
