package io.vmnetd.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection caps on the socket with real callers of another uid: nobody, in the socket group (nogroup) so that it
 * may connect, run under setpriv. Needs root, setpriv and /usr/bin/python3; skipped otherwise.
 */
@Timeout(60)
class UnixConnectionCapsTest {

    private static final int NOBODY = 65534;
    private static final int NOGROUP = 65534;

    /** Opens N connections, waits, and prints how many the server left open; then holds them until killed. */
    private static final String HOLD = """
            import select, socket, sys, time
            path, n = sys.argv[1], int(sys.argv[2])
            conns = []
            for _ in range(n):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                conns.append(s)
            time.sleep(1.0)
            still = 0
            for s in conns:
                r, _, _ = select.select([s], [], [], 0)
                if not r or s.recv(1, socket.MSG_PEEK):
                    still += 1
            print(still, flush=True)
            time.sleep(60)
            """;

    @TempDir
    Path dir;

    private ApiServer server;
    private Path socket;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim()
                .equals("0"), "needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/python3")),
                "needs util-linux setpriv and /usr/bin/python3");
        dir.toFile().setExecutable(true, false);
        socket = dir.resolve("vmnetd.sock");
        server = ApiServer.start(socket, "nogroup", new FakeDaemonApi());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aNonRootUidKeepsOnlyItsShareAndRootStillGetsIn() throws Exception {
        Path script = dir.resolve("hold.py");
        Files.writeString(script, HOLD);
        script.toFile().setReadable(true, false);
        Process holder = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOGROUP, "--clear-groups",
                "/usr/bin/python3", script.toString(), socket.toString(), "200")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertThat(line).as("connections of uid 65534 the server kept open, of 200").isEqualTo(
                    Integer.toString(ApiLimits.DEFAULT_MAX_CONNECTIONS_PER_USER));
            // Root is not counted against nobody's share.
            assertThat(UnixHttpClient.get(socket, "/v1/status").status()).isEqualTo(200);
        } finally {
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
