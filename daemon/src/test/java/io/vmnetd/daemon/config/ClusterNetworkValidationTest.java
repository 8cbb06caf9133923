package io.vmnetd.daemon.config;

import static io.vmnetd.daemon.config.ConfigProblemsAssert.assertOnlyProblem;
import static io.vmnetd.daemon.config.ConfigProblemsAssert.onlyProblemOf;
import static io.vmnetd.daemon.config.ConfigProblemsAssert.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.Test;

class ClusterNetworkValidationTest {

    @Test
    void mtuMustBeAnIntegerInRange() {
        assertOnlyProblem("""
                clusterNetworks:
                  - name: data
                    mtu: 9001
                    uplink: {nics: [eth1]}
                """, "clusterNetworks[0].mtu", 3, "out of range: 9001; allowed: 576..9000");
        assertOnlyProblem("""
                clusterNetworks:
                  - name: data
                    mtu: "9000"
                    uplink: {nics: [eth1]}
                """, "clusterNetworks[0].mtu", 3, "expected an integer, got string \"9000\"; allowed: 576..9000");
    }

    @Test
    void nameMustFitInAnInterfaceNameWithItsSuffix() {
        assertOnlyProblem("""
                clusterNetworks:
                  - name: thirteenchars
                    uplink: {nics: [eth1]}
                """, "clusterNetworks[0].name", 2,
                "invalid cluster network name \"thirteenchars\"; allowed: 1..12 of [a-z0-9-]");
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: Data, uplink: {nics: [eth1]}}
                """, "clusterNetworks[0].name", 2, "allowed: 1..12 of [a-z0-9-]");
    }

    @Test
    void mgmtIsBuiltIn() {
        ConfigProblem problem = onlyProblemOf("""
                clusterNetworks:
                  - name: mgmt
                    uplink: {nics: [eth0]}
                """);

        assertThat(problem).hasToString("/etc/vmnetd/vmnetd.yaml:2:11: clusterNetworks[0].name: "
                + "mgmt is built in and adopted as it is; remove it from clusterNetworks");
    }

    @Test
    void namesAreUnique() {
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1]}}
                  - {name: data, uplink: {nics: [eth2]}}
                """, "clusterNetworks[1].name", 3,
                "duplicate cluster network name \"data\"; first declared at clusterNetworks[0] (line 2)");
    }

    @Test
    void nameAndUplinkAreRequired() {
        var problems = problemsOf("""
                clusterNetworks:
                  - mtu: 1500
                """);

        assertThat(problems).extracting(ConfigProblem::field, ConfigProblem::line).containsExactly(
                tuple("clusterNetworks[0].name", 2),
                tuple("clusterNetworks[0].uplink", 2));
        assertThat(problems.get(0).message()).isEqualTo("missing required field; allowed: 1..12 of [a-z0-9-], "
                + "starting and ending with a letter or digit");
    }

    @Test
    void uplinkNeedsAtLeastOneNic() {
        assertOnlyProblem("""
                clusterNetworks:
                  - name: data
                    uplink:
                      nics: []
                """, "clusterNetworks[0].uplink.nics", 4, "at least one NIC is required");
        assertOnlyProblem("""
                clusterNetworks:
                  - name: data
                    uplink:
                      bond: {mode: balance-rr}
                """, "clusterNetworks[0].uplink.nics", 4, "missing required field; allowed: 1 or more interface names");
    }

    @Test
    void unknownUplinkFieldNamesTheAllowedOnes() {
        assertOnlyProblem("""
                clusterNetworks:
                  - name: data
                    uplink:
                      nics: [eth1]
                      nic: eth2
                """, "clusterNetworks[0].uplink.nic", 5, "unknown field; allowed: nics, bond, txQueueLen");
    }

    @Test
    void bondModeMustBeAKernelName() {
        ConfigProblem problem = onlyProblemOf("""
                clusterNetworks:
                  - name: data
                    uplink:
                      nics: [eth1]
                      bond: {mode: lacp}
                """);

        assertThat(problem).hasToString("/etc/vmnetd/vmnetd.yaml:5:20: clusterNetworks[0].uplink.bond.mode: "
                + "unknown value \"lacp\"; allowed: balance-rr, active-backup, balance-xor, broadcast, 802.3ad, "
                + "balance-tlb, balance-alb");
    }

    @Test
    void miimonAndTxQueueLenHaveRanges() {
        var problems = problemsOf("""
                clusterNetworks:
                  - name: data
                    uplink:
                      nics: [eth1]
                      bond: {miimon: 10001}
                      txQueueLen: 0
                """);

        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                "/etc/vmnetd/vmnetd.yaml:5:22: clusterNetworks[0].uplink.bond.miimon: out of range: 10001; "
                        + "allowed: 0..10000",
                "/etc/vmnetd/vmnetd.yaml:6:19: clusterNetworks[0].uplink.txQueueLen: out of range: 0; "
                        + "allowed: 1..100000");
    }

    @Test
    void nicNamesFollowTheKernelRules() {
        var problems = problemsOf("""
                clusterNetworks:
                  - name: data
                    uplink:
                      nics:
                        - enp0s31f6-too-long
                        - "eth 1"
                        - ..
                        - eth0:1
                        - enp0s31f6
                """);

        assertThat(problems).extracting(ConfigProblem::field).containsExactly(
                "clusterNetworks[0].uplink.nics[0]", "clusterNetworks[0].uplink.nics[1]",
                "clusterNetworks[0].uplink.nics[2]", "clusterNetworks[0].uplink.nics[3]");
        assertThat(problems).extracting(ConfigProblem::line).containsExactly(5, 6, 7, 8);
        assertThat(problems.get(0).message()).isEqualTo("invalid interface name \"enp0s31f6-too-long\"; allowed: "
                + "1..15 bytes without '/', ':' or whitespace, not \".\" or \"..\"");
    }

    @Test
    void aNicServesOneClusterNetworkOnly() {
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [eth1, eth2]}}
                  - {name: storage, uplink: {nics: [eth3, eth2]}}
                """, "clusterNetworks[1].uplink.nics[1]", 3,
                "NIC \"eth2\" is already an uplink of cluster network data (clusterNetworks[0].uplink.nics[1])");
        assertOnlyProblem("""
                clusterNetworks:
                  - name: data
                    uplink:
                      nics: [eth1, eth1]
                """, "clusterNetworks[0].uplink.nics[1]", 4,
                "NIC \"eth1\" is listed twice; first at clusterNetworks[0].uplink.nics[0]");
    }

    @Test
    void aNicCannotBeABridgeOrBondVmnetdManages() {
        var problems = problemsOf("""
                clusterNetworks:
                  - {name: data, uplink: {nics: [storage-bo]}}
                  - {name: storage, uplink: {nics: [mgmt-br]}}
                """);

        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                "/etc/vmnetd/vmnetd.yaml:2:34: clusterNetworks[0].uplink.nics[0]: interface name \"storage-bo\" "
                        + "is reserved for the bond of cluster network storage; list physical NICs here",
                "/etc/vmnetd/vmnetd.yaml:3:37: clusterNetworks[1].uplink.nics[0]: interface name \"mgmt-br\" "
                        + "is reserved for the bridge of cluster network mgmt; list physical NICs here");
    }

    @Test
    void clusterNetworksMustBeAList() {
        assertOnlyProblem("""
                clusterNetworks:
                  name: data
                """, "clusterNetworks", 2, "expected a list, got a mapping");
    }
}
