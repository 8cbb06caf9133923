package io.vmnetd.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmnetd.daemon.config.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class SocketLifecycleTest {

    @TempDir
    Path dir;

    private final FakeDaemonApi api = new FakeDaemonApi();

    @Test
    void createsTheDirectoryAndRestrictsTheSocket() throws Exception {
        Path socket = dir.resolve("run/vmnetd/vmnetd.sock");
        try (ApiServer server = ApiServer.start(socket, "daemon", api)) {
            assertThat(server.socket()).isEqualTo(socket);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                    .isEqualTo("rwxr-xr-x");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");
            assertThat((int) Files.getAttribute(socket, "unix:gid"))
                    .isEqualTo(GroupDirectory.system().group("daemon").orElseThrow().gid());
            assertThat(UnixHttpClient.get(socket, "/healthz").status()).isEqualTo(200);
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void secondServerOnTheSameSocketIsRefused() throws Exception {
        Path socket = dir.resolve("vmnetd.sock");
        try (ApiServer first = ApiServer.start(socket, "root", api)) {
            assertThatThrownBy(() -> ApiServer.start(socket, "root", api))
                    .isInstanceOf(ApiStartException.class)
                    .hasMessage("another vmnetd already serves " + socket + " (lock " + socket + ".lock is held)");
            assertThat(UnixHttpClient.get(first.socket(), "/healthz").status()).isEqualTo(200);
        }
        try (ApiServer again = ApiServer.start(socket, "root", api)) {
            assertThat(UnixHttpClient.get(again.socket(), "/healthz").status()).isEqualTo(200);
        }
    }

    @Test
    void staleSocketFromACrashIsReplaced() throws Exception {
        Path socket = dir.resolve("vmnetd.sock");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists(); // closing does not unlink: exactly what a crash leaves
        try (ApiServer server = ApiServer.start(socket, "root", api)) {
            assertThat(UnixHttpClient.get(server.socket(), "/healthz").status()).isEqualTo(200);
        }
    }

    @Test
    void regularFileInTheWayIsNotDeleted() throws Exception {
        Path socket = dir.resolve("vmnetd.sock");
        Files.writeString(socket, "precious");
        assertThatThrownBy(() -> ApiServer.start(socket, "root", api))
                .isInstanceOf(ApiStartException.class)
                .hasMessageContaining("exists and is not a socket");
        assertThat(socket).hasContent("precious");
        // The failed start released the lock.
        Files.delete(socket);
        ApiServer.start(socket, "root", api).close();
    }

    @Test
    void unknownGroupNamesTheSetting() {
        Path socket = dir.resolve("vmnetd.sock");
        assertThatThrownBy(() -> ApiServer.start(socket, "no-such-group-vmnetd", api))
                .isInstanceOf(ApiStartException.class)
                .hasMessageStartingWith("socketGroup \"no-such-group-vmnetd\" does not exist");
        assertThat(socket).doesNotExist();
    }

    @Test
    void tooLongPathIsRefusedClearly() {
        Path socket = dir.resolve("x".repeat(120) + ".sock");
        assertThatThrownBy(() -> ApiServer.start(socket, "root", api))
                .hasMessageContaining("longer than the 107 bytes");
    }

    @Test
    void tcpListenerServesOnlyMetricsAndHealth() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ApiServerOptions options = ApiServerOptions.defaults()
                .withMetricsListen(Optional.of(new HostPort("127.0.0.1", port)));
        try (ApiServer server = ApiServer.start(dir.resolve("vmnetd.sock"), "root", api, options)) {
            InetSocketAddress address = server.metricsAddress().orElseThrow();
            assertThat(address.getPort()).isEqualTo(port);
            assertThat(tcpGet(address, "/metrics")).startsWith("HTTP/1.1 200 OK").endsWith(api.metricsText);
            assertThat(tcpGet(address, "/healthz")).startsWith("HTTP/1.1 200 OK");
            assertThat(tcpGet(address, "/v1/status")).startsWith("HTTP/1.1 404 Not Found");
            assertThat(tcpGet(address, "/v1/cni")).startsWith("HTTP/1.1 404 Not Found");
        }
    }

    private static String tcpGet(InetSocketAddress address, String path) throws IOException {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
