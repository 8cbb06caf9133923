package io.vmnetd.daemon.config;

import static io.vmnetd.daemon.config.ConfigProblemsAssert.assertOnlyProblem;
import static io.vmnetd.daemon.config.ConfigProblemsAssert.onlyProblemOf;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SettingsValidationTest {

    @Test
    void unknownTopLevelKeyNamesTheAllowedKeys() {
        ConfigProblem problem = onlyProblemOf("""
                logLevel: debug
                sockets: /run/x.sock
                """);

        assertThat(problem).hasToString("/etc/vmnetd/vmnetd.yaml:2:1: sockets: unknown field; allowed: socket, "
                + "socketGroup, adminGroup, stateDir, logLevel, resyncSeconds, cni, metrics, api, connectivity, clusterNetworks, vmNetworks, "
                + "hostNetworks, kubernetes");
    }

    @Test
    void pathsMustBeAbsolute() {
        assertOnlyProblem("socket: run/vmnetd.sock\n", "socket", 1,
                "expected an absolute path, got \"run/vmnetd.sock\"");
        assertOnlyProblem("stateDir: var/lib/vmnetd\n", "stateDir", 1, "expected an absolute path");
        assertOnlyProblem("""
                cni:
                  ipamDirs:
                    - /opt/cni/bin
                    - cni/bin
                """, "cni.ipamDirs[1]", 4, "expected an absolute path, got \"cni/bin\"");
    }

    @Test
    void socketGroupMustBeAGroupName() {
        assertOnlyProblem("socketGroup: Wheel\n", "socketGroup", 1,
                "invalid group name \"Wheel\"; allowed: 1..32 of [a-z0-9_-], starting with a letter or '_'");
    }

    @Test
    void logLevelIsOneOfFour() {
        assertOnlyProblem("logLevel: trace\n", "logLevel", 1,
                "unknown value \"trace\"; allowed: error, warn, info, debug");
    }

    @Test
    void resyncSecondsHasARange() {
        assertOnlyProblem("resyncSeconds: 4\n", "resyncSeconds", 1, "out of range: 4; allowed: 5..3600");
        assertOnlyProblem("resyncSeconds: 99999999999999999999\n", "resyncSeconds", 1,
                "out of range: 99999999999999999999; allowed: 5..3600");
        assertOnlyProblem("resyncSeconds: 1.5\n", "resyncSeconds", 1,
                "expected an integer, got number 1.5; allowed: 5..3600");
        assertOnlyProblem("resyncSeconds: true\n", "resyncSeconds", 1,
                "expected an integer, got boolean true; allowed: 5..3600");
    }

    @Test
    void metricsListenIsHostAndPort() {
        assertOnlyProblem("metrics: {listen: 127.0.0.1}\n", "metrics.listen", 1,
                "invalid listen address \"127.0.0.1\": missing port; expected host:port with port 1..65535");
        assertOnlyProblem("metrics:\n  listen: 127.0.0.1:70000\n", "metrics.listen", 2,
                "invalid port \"70000\"; allowed: 1..65535");
        assertOnlyProblem("metrics: {listen: \"::1:9677\"}\n", "metrics.listen", 1,
                "an IPv6 address must be in brackets");
        assertOnlyProblem("metrics: {port: 9677}\n", "metrics.port", 1, "unknown field; allowed: listen");
    }

    @Test
    void apiLimitsHaveRanges() throws ConfigException {
        assertOnlyProblem("api: {maxConnections: 8}\n", "api.maxConnections", 1, "out of range: 8; allowed: 16..16384");
        assertOnlyProblem("api:\n  cniWorkers: 0\n", "api.cniWorkers", 2, "out of range: 0; allowed: 1..256");
        assertOnlyProblem("api: {maxConnections: 64, maxConnectionsPerUser: 40}\n", "api.maxConnectionsPerUser", 1,
                "out of range: 40; allowed: 1..32 (half of api.maxConnections");
        assertOnlyProblem("api: {maxConnection: 64}\n", "api.maxConnection", 1,
                "unknown field; allowed: maxConnections, maxConnectionsPerUser, cniWorkers");
        assertThat(ConfigLoader.parse("api: {maxConnections: 64, maxConnectionsPerUser: 32, cniWorkers: 4}\n", "t")
                .api()).isEqualTo(new ApiSettings(64, 32, 4));
        assertThat(ConfigLoader.parse("logLevel: info\n", "t").api()).isEqualTo(ApiSettings.defaults());
    }

    @Test
    void sectionsMustHaveTheirShape() {
        assertOnlyProblem("cni: [/opt/cni/bin]\n", "cni", 1, "expected a mapping, got a list");
        assertOnlyProblem("cni: {ipamDirs: /opt/cni/bin}\n", "cni.ipamDirs", 1,
                "expected a list, got string \"/opt/cni/bin\"");
        assertOnlyProblem("socket: {path: /run/x}\n", "socket", 1, "expected a string, got a mapping");
    }

    @Test
    void theDocumentMustBeAMapping() {
        assertOnlyProblem("- socket: /run/x\n", "", 1, "expected a mapping, got a list");
    }

    @Test
    void anEmptyIpamDirListForbidsIpamPlugins() throws ConfigException {
        assertThat(ConfigLoader.parse("cni: {ipamDirs: []}\n", "test").ipamDirs()).isEmpty();
    }
}
