package io.vmnetd.daemon.config;

import static io.vmnetd.daemon.config.ConfigProblemsAssert.assertOnlyProblem;
import static io.vmnetd.daemon.config.ConfigProblemsAssert.onlyProblemOf;
import static io.vmnetd.daemon.config.ConfigProblemsAssert.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Problems with the document as a whole: YAML syntax, duplicate keys, and reporting several at once. */
class DocumentProblemsTest {

    @Test
    void syntaxErrorsHaveALineAndColumn() {
        ConfigProblem problem = onlyProblemOf("""
                logLevel: info
                clusterNetworks:
                  - name: data
                    uplink: {nics: [eth1, eth2}
                """);

        assertThat(problem.field()).isEmpty();
        assertThat(problem.line()).isEqualTo(4);
        assertThat(problem.column()).isEqualTo(31);
        assertThat(problem.message()).startsWith("YAML syntax error: ");
    }

    @Test
    void badIndentationIsASyntaxError() {
        ConfigProblem problem = onlyProblemOf("""
                logLevel: info
                  socket: /run/x.sock
                """);

        assertThat(problem).hasToString(
                "/etc/vmnetd/vmnetd.yaml:2:9: YAML syntax error: mapping values are not allowed here");
    }

    @Test
    void tabsAreASyntaxError() {
        assertThat(onlyProblemOf("logLevel: info\n\tsocket: /run/x\n").line()).isEqualTo(2);
    }

    @Test
    void duplicateKeysAreReportedWhereTheyRepeat() {
        assertOnlyProblem("""
                logLevel: info
                metrics:
                  listen: 127.0.0.1:9677
                  listen: 127.0.0.1:9678
                """, "metrics.listen", 4, "duplicate key; first set at line 3");
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, name: other, uplink: {nics: [eth1]}}
                """, "clusterNetworks[0].name", 2, "duplicate key; first set at line 2");
    }

    @Test
    void onlyOneDocumentIsAllowed() {
        assertOnlyProblem("logLevel: info\n---\nlogLevel: debug\n", "", 3, "only one YAML document is allowed");
    }

    @Test
    void aliasesAreRejectedRatherThanReadAsTheirAnchorName() {
        assertOnlyProblem("""
                socketGroup: &group vmnet
                clusterNetworks:
                  - {name: *group, uplink: {nics: [eth1]}}
                """, "clusterNetworks[0].name", 3, "YAML aliases (*group) are not supported");
    }

    @Test
    void everyProblemIsReportedAtOnceInTextOrder() {
        List<ConfigProblem> problems = problemsOf("""
                logLevel: verbose
                clusterNetworks:
                  - name: data
                    mtu: 10000
                    uplink: {nics: [eth1]}
                vmNetworks:
                  - {name: v, clusterNetwork: data, type: L2VlanNetwork, vlan: 5000}
                """);

        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                "/etc/vmnetd/vmnetd.yaml:1:11: logLevel: unknown value \"verbose\"; allowed: error, warn, info, debug",
                "/etc/vmnetd/vmnetd.yaml:4:10: clusterNetworks[0].mtu: out of range: 10000; allowed: 576..9000",
                "/etc/vmnetd/vmnetd.yaml:7:64: vmNetworks[0].vlan: out of range: 5000; allowed: 1..4094");
    }

    @Test
    void theExceptionMessageListsEveryProblemUnderACount() {
        assertThatThrownBy(() -> ConfigLoader.parse("logLevel: loud\nresyncSeconds: 1\n", "request body"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("""
                        2 errors in request body
                        request body:1:11: logLevel: unknown value "loud"; allowed: error, warn, info, debug
                        request body:2:16: resyncSeconds: out of range: 1; allowed: 5..3600""");
    }

    @Test
    void aBrokenClusterNetworkIsNotAlsoReportedAsUnknownByItsVmNetworks() {
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, mtu: 1, uplink: {nics: [eth1]}}
                vmNetworks:
                  - {name: v, clusterNetwork: data, type: UntaggedNetwork}
                """, "clusterNetworks[0].mtu", 2, "allowed: 576..9000");
    }
}
