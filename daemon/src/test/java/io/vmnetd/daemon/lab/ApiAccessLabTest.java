package io.vmnetd.daemon.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.daemon.testing.PromText;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.VlanMembership;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Who may use the socket is decided by SO_PEERCRED, not only by file modes: with the socket made world-writable, a
 * caller that is neither root nor in socketGroup gets 403 on every endpoint and changes nothing. /metrics is valid
 * Prometheus text (promtool) and its VID gauge matches the kernel.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiAccessLabTest {
    private static final String NOBODY = "65534";
    /** Debian's group "daemon": the socketGroup here. */
    private static final String GROUP_GID = "1";

    private final KernelState kernel = KernelState.host();
    private LabTopology lab;
    private DaemonUnderTest daemon;

    @BeforeAll
    void start() throws Exception {
        lab = LabTopology.withNics(NodeConfigs.NICS);
        lab.createMgmt("eth5");
        daemon = DaemonUnderTest.create(NodeConfigs.FULL).setting("socketGroup: daemon").startInProcess();
        // Open the path to everyone, so that only the daemon's own check can refuse.
        for (Path p = daemon.socket().getParent(); !p.equals(Path.of("/tmp")); p = p.getParent()) {
            Shell.check("chmod", "0755", p.toString());
        }
        Shell.check("chmod", "0666", daemon.socket().toString());
    }

    @AfterAll
    void stop() {
        lab.closeAfter(daemon);
    }

    @Test
    void aCallerNeitherRootNorInTheGroupGets403AndChangesNothing() throws Exception {
        String dump = kernel.canonicalDump();
        String file = Files.readString(daemon.configFile());
        for (String path : List.of("/v1/status", "/v1/networks", "/v1/ports", "/v1/links", "/metrics", "/readyz",
                "/healthz")) {
            assertThat(curl(NOBODY, NOBODY, "GET", path, null)).as("GET %s as nobody", path).startsWith("403 ");
        }
        // An empty config would take data and storage down: refused before anything is read.
        assertThat(curl(NOBODY, NOBODY, "POST", "/v1/config", daemon.yaml("{}"))).startsWith("403 ");
        assertThat(curl(NOBODY, NOBODY, "POST", "/v1/cni", "{}")).startsWith("403 ");
        assertThat(kernel.canonicalDump()).isEqualTo(dump);
        assertThat(Files.readString(daemon.configFile())).as("the config file").isEqualTo(file);
    }

    @Test
    void rootAndTheSocketGroupAreAllowed() {
        assertThat(curl("0", "0", "GET", "/v1/status", null)).startsWith("200 ");
        assertThat(curl(NOBODY, GROUP_GID, "GET", "/v1/status", null)).as("nobody with primary group daemon")
                .startsWith("200 ");
    }

    @Test
    void aSocketGroupMemberMayReadAndDryRunButNotChangeTheNode() throws Exception {
        String dump = kernel.canonicalDump();
        assertThat(curl(NOBODY, GROUP_GID, "GET", "/v1/config", null)).startsWith("200 ");
        assertThat(curl(NOBODY, GROUP_GID, "POST", "/v1/config?dryRun=true", daemon.yaml(NodeConfigs.DATA_ONLY)))
                .as("a dry run changes nothing").startsWith("200 ");

        String post = curl(NOBODY, GROUP_GID, "POST", "/v1/config", daemon.yaml(NodeConfigs.DATA_ONLY));
        assertThat(post).startsWith("403 ").contains("may read but not change the node");
        assertThat(curl(NOBODY, GROUP_GID, "DELETE", "/v1/config", null)).startsWith("403 ");
        assertThat(curl(NOBODY, GROUP_GID, "POST", "/v1/cni", "{}")).startsWith("403 ");
        assertThat(kernel.canonicalDump()).isEqualTo(dump);
        assertThat(daemon.overlayFile()).doesNotExist();
    }

    @Test
    void settingsThatDecideWhatRunsAsRootAreRefusedOverTheApiEvenForRoot() throws Exception {
        Path evil = Files.createDirectories(Path.of("/var/tmp/evil"));
        Path marker = evil.resolve("ran");
        Files.writeString(evil.resolve("host-local"), "#!/bin/sh\ntouch " + marker + "\n");
        Shell.check("chmod", "0755", evil.resolve("host-local").toString());
        String dump = kernel.canonicalDump();
        for (String[] c : new String[][] {
                {"cni.ipamDirs", "cni: {ipamDirs: [/var/tmp/evil]}"},
                {"cni.netnsPaths", "cni: {netnsPaths: [\"/*/*\"]}"},
                {"socketGroup", "socketGroup: users"},
                {"stateDir", "stateDir: /var/tmp/evil"},
                {"metrics.listen", "metrics: {listen: \"0.0.0.0:9677\"}"},
                {"adminGroup", "adminGroup: users"}}) {
            String key = c[1].substring(0, c[1].indexOf(':'));
            String body = daemon.yaml(NodeConfigs.FULL).lines().filter(l -> !l.startsWith(key + ":"))
                    .reduce("", (a, b) -> a + b + "\n") + c[1] + "\n";
            String r = curl("0", "0", "POST", "/v1/config", body);
            assertThat(r).as(c[0]).startsWith("403 ").contains("\"field\":\"" + c[0] + "\"")
                    .contains("can only be set in " + daemon.configFile());
        }
        assertThat(marker).as("the planted plugin never ran").doesNotExist();
        assertThat(kernel.canonicalDump()).isEqualTo(dump);
        assertThat(daemon.overlayFile()).doesNotExist();
    }

    @Test
    void rootsChangeLandsInTheOverlayNeverInTheFileAndCanBeDropped() throws Exception {
        String file = Files.readString(daemon.configFile());
        String changed = NodeConfigs.FULL + "  - {name: vlan401, clusterNetwork: data, type: L2VlanNetwork, vlan: 401}\n";

        assertThat(curl("0", "0", "POST", "/v1/config", daemon.yaml(changed))).startsWith("200 ");
        assertThat(Files.readString(daemon.configFile())).as("the file is the operator's").isEqualTo(file);
        assertThat(Files.readString(daemon.overlayFile())).contains("vlan401");
        assertThat(kernel.bridgeVlans("data-bo").vids().contains(401)).isTrue();
        String view = curl("0", "0", "GET", "/v1/config", null);
        assertThat(view).contains("\"clusterNetworks\":\"api\"").contains("\"socket\":\"file\"")
                .contains("vlan401");

        assertThat(curl("0", "0", "DELETE", "/v1/config", null)).startsWith("200 ");
        assertThat(daemon.overlayFile()).doesNotExist();
        assertThat(kernel.bridgeVlans("data-bo").vids().contains(401)).as("back to the file's networks").isFalse();
        assertThat(curl("0", "0", "GET", "/v1/config", null)).contains("\"clusterNetworks\":\"file\"");
    }

    @Test
    void metricsPassPromtoolAndCountTheKernelsVids() throws Exception {
        String text = daemon.get("/metrics").requireOk().body();
        PromText metrics = PromText.parse(text);
        assertThat(metrics.sum("vmnetd_reconcile_runs_total", "result", "ok")).isGreaterThanOrEqualTo(1);
        assertThat(metrics.sum("vmnetd_netlink_requests_total", "type", "newlink")).isGreaterThanOrEqualTo(4);

        // The VID gauge counts what the uplinks carry besides VLAN 1; iproute2 agrees.
        int tagged = 0;
        for (String uplink : List.of("data-bo", "storage-bo", "mgmt-bo")) {
            VlanMembership v = kernel.bridgeVlans(uplink);
            tagged += v.vids().minus(io.vmnetd.netlink.VidSet.of(1)).size();
        }
        assertThat(metrics.sum("vmnetd_vids")).isEqualTo(tagged);
        assertThat(metrics.sum("vmnetd_links")).isEqualTo(kernel.linkNames().size());

        assumeThat(Files.isExecutable(Path.of("/usr/bin/promtool")))
                .as("promtool (Debian package prometheus) to lint /metrics; scripts/test installs it").isTrue();
        Path file = Files.createTempFile("metrics-", ".txt");
        try {
            Files.writeString(file, text);
            Shell.Result r = Shell.run("bash", "-c", "promtool check metrics < " + file);
            assertThat(r.exitCode()).as("promtool check metrics: %s%s", r.stdout(), r.stderr()).isZero();
            assertThat((r.stdout() + r.stderr()).strip()).as("promtool findings").isEmpty();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** curl over the socket as uid/gid with no supplementary groups; "STATUS BODY". */
    private String curl(String uid, String gid, String method, String path, String body) {
        List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
                "curl", "-sS", "-w", "\n%{http_code}", "-X", method,
                "--unix-socket", daemon.socket().toString()));
        if (body != null) {
            c.addAll(List.of("-H", "Content-Type: application/yaml", "--data-binary", body));
        }
        c.add("http://vmnetd" + path);
        Shell.Result r = Shell.run(c);
        assertThat(r.exitCode()).as("curl %s: %s", path, r.stderr()).isZero();
        String out = r.stdout();
        int nl = out.lastIndexOf('\n');
        return out.substring(nl + 1).strip() + " " + out.substring(0, nl);
    }
}
