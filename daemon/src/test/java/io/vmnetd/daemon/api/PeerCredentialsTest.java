package io.vmnetd.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SO_PEERCRED authorisation with real callers of other uids: curl run under setpriv. The socket is made
 * world-writable here so that it is the daemon's check that refuses, not the file's mode. Needs root (to create a
 * group and a user, removed afterwards) and util-linux setpriv; skipped otherwise.
 */
@Timeout(60)
class PeerCredentialsTest {

    private static final int NOBODY = 65534;
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String GROUP = "vmnt" + SUFFIX;
    private static final String MEMBER = "vmnu" + SUFFIX;

    private static Path dir;
    private static Path socket;
    private static ApiServer server;
    private static int groupGid;
    private static int memberUid;

    @BeforeAll
    static void createGroupUserAndServer() throws Exception {
        assumeTrue(run("id", "-u").trim().equals("0"), "needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs util-linux setpriv");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "needs curl");
        run("groupadd", GROUP);
        run("useradd", "-M", "-N", "-g", Integer.toString(NOBODY), "-G", GROUP, "-s", "/usr/sbin/nologin", MEMBER);
        groupGid = GroupDirectory.system().group(GROUP).orElseThrow().gid();
        memberUid = Integer.parseInt(run("id", "-u", MEMBER).trim());
        dir = Files.createTempDirectory(Path.of("/tmp"), "vmnetd-peercred");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = dir.resolve("vmnetd.sock");
        server = ApiServer.start(socket, GROUP, new FakeDaemonApi());
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    @AfterAll
    static void removeEverything() throws Exception {
        if (server != null) {
            server.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        runQuietly("userdel", MEMBER);
        runQuietly("groupdel", GROUP);
    }

    @Test
    void callerOutsideTheGroupIsRefusedEverywhere() throws Exception {
        String refusal = "{\"error\":\"uid 65534 is neither root nor a member of group " + GROUP + "\"}";
        assertThat(curlAs(NOBODY, NOBODY, "GET", "/healthz")).isEqualTo(refusal + "\n403");
        assertThat(curlAs(NOBODY, NOBODY, "GET", "/v1/status")).isEqualTo(refusal + "\n403");
        assertThat(curlAs(NOBODY, NOBODY, "POST", "/v1/cni")).isEqualTo(refusal + "\n403");
        assertThat(curlAs(NOBODY, NOBODY, "GET", "/no/such/path")).isEqualTo(refusal + "\n403");
    }

    @Test
    void listedMemberMayReadButNotChangeTheNode() throws Exception {
        assertThat(curlAs(memberUid, NOBODY, "GET", "/healthz")).isEqualTo("{\"status\":\"ok\"}\n200");
        assertThat(curlAs(memberUid, NOBODY, "POST", "/v1/cni")).endsWith("\n403")
                .contains("may read but not change the node");
    }

    @Test
    void primaryGroupIsAllowed() throws Exception {
        assertThat(curlAs(NOBODY, groupGid, "GET", "/healthz")).isEqualTo("{\"status\":\"ok\"}\n200");
    }

    /** The body, a newline and the status code, as curl under setpriv saw them. */
    private static String curlAs(int uid, int gid, String method, String path) throws Exception {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid,
                "--clear-groups", "curl", "-sS", "--max-time", "10", "--unix-socket", socket.toString(),
                "-X", method, "-w", "\\n%{http_code}"));
        if (method.equals("POST")) {
            command.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", "{}"));
        }
        command.add("http://vmnetd" + path);
        return run(command.toArray(String[]::new));
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    private static void runQuietly(String... command) {
        try {
            run(command);
        } catch (IOException | InterruptedException e) {
            // cleaning up what may not exist
        }
    }
}
