package io.vmnetd.daemon.config;

import static io.vmnetd.daemon.config.ConfigProblemsAssert.assertOnlyProblem;
import static io.vmnetd.daemon.config.ConfigProblemsAssert.onlyProblemOf;
import static io.vmnetd.daemon.config.ConfigProblemsAssert.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.Test;

class VmNetworkValidationTest {

    /** Lines 1-4; VM networks written after it start at line 5. */
    private static final String DATA = """
            clusterNetworks:
              - {name: data, mtu: 9000, uplink: {nics: [eth1]}}
              - {name: storage, uplink: {nics: [eth2]}}
            vmNetworks:
            """;

    @Test
    void unknownTypeNamesTheAllowedTypes() {
        ConfigProblem problem = onlyProblemOf(DATA + """
                  - name: vlan100
                    clusterNetwork: data
                    type: L2Vlan
                """);

        assertThat(problem).hasToString("/etc/vmnetd/vmnetd.yaml:7:11: vmNetworks[0].type: unknown value \"L2Vlan\"; "
                + "allowed: L2VlanNetwork, UntaggedNetwork, L2VlanTrunkNetwork");
    }

    @Test
    void typeIsRequired() {
        assertOnlyProblem(DATA + """
                  - name: vlan100
                    clusterNetwork: data
                """, "vmNetworks[0].type", 5,
                "missing required field; allowed: L2VlanNetwork, UntaggedNetwork, L2VlanTrunkNetwork");
    }

    @Test
    void mtuIsInheritedFromTheClusterNetwork() {
        ConfigProblem problem = onlyProblemOf(DATA + """
                  - name: vlan100
                    clusterNetwork: data
                    type: L2VlanNetwork
                    vlan: 100
                    mtu: 1500
                """);

        assertThat(problem).hasToString("/etc/vmnetd/vmnetd.yaml:9:5: vmNetworks[0].mtu: "
                + "VM networks inherit the MTU of cluster network data (9000); remove this field");
    }

    @Test
    void mtuOnMgmtIsInheritedFromTheKernel() {
        assertOnlyProblem("""
                vmNetworks:
                  - {name: native, clusterNetwork: mgmt, type: UntaggedNetwork, mtu: 9000}
                """, "vmNetworks[0].mtu", 2,
                "VM networks inherit the MTU of cluster network mgmt (adopted from the kernel); remove this field");
    }

    @Test
    void clusterNetworkMustExist() {
        assertOnlyProblem(DATA + """
                  - {name: vlan100, clusterNetwork: dta, type: UntaggedNetwork}
                """, "vmNetworks[0].clusterNetwork", 5, "unknown value \"dta\"; allowed: mgmt, data, storage");
    }

    @Test
    void namesAreUniqueDnsLabels() {
        assertOnlyProblem(DATA + """
                  - {name: a, clusterNetwork: data, type: UntaggedNetwork}
                  - {name: a, clusterNetwork: storage, type: UntaggedNetwork}
                """, "vmNetworks[1].name", 6,
                "duplicate VM network name \"a\"; first declared at vmNetworks[0] (line 5)");
        assertOnlyProblem(DATA + """
                  - {name: -vlan, clusterNetwork: data, type: UntaggedNetwork}
                """, "vmNetworks[0].name", 5,
                "invalid VM network name \"-vlan\"; allowed: 1..63 of [a-z0-9-], "
                        + "starting and ending with a letter or digit");
    }

    @Test
    void vlanMustBeAValidVid() {
        assertOnlyProblem(DATA + """
                  - {name: a, clusterNetwork: data, type: L2VlanNetwork, vlan: 4095}
                """, "vmNetworks[0].vlan", 5, "out of range: 4095; allowed: 1..4094");
        assertOnlyProblem(DATA + """
                  - {name: a, clusterNetwork: data, type: L2VlanNetwork, vlan: 0}
                """, "vmNetworks[0].vlan", 5, "out of range: 0; allowed: 1..4094");
        assertOnlyProblem(DATA + """
                  - {name: a, clusterNetwork: data, type: L2VlanNetwork, vlan: ten}
                """, "vmNetworks[0].vlan", 5, "expected an integer, got string \"ten\"; allowed: 1..4094");
    }

    @Test
    void vlanIsRequiredForL2VlanNetworksOnly() {
        assertOnlyProblem(DATA + """
                  - name: a
                    clusterNetwork: data
                    type: L2VlanNetwork
                """, "vmNetworks[0].vlan", 5, "missing required field; allowed: 1..4094");
        assertOnlyProblem(DATA + """
                  - name: a
                    clusterNetwork: data
                    type: UntaggedNetwork
                    vlan: 10
                """, "vmNetworks[0].vlan", 8,
                "only allowed with type L2VlanNetwork, this network is UntaggedNetwork; remove this field");
    }

    @Test
    void trunkIsRequiredForTrunkNetworksOnly() {
        assertOnlyProblem(DATA + """
                  - {name: t, clusterNetwork: data, type: L2VlanTrunkNetwork}
                """, "vmNetworks[0].trunk", 5,
                "missing required field; allowed: {id: VID} or {min: VID, max: VID}, VIDs 1..4094");
        assertOnlyProblem(DATA + """
                  - {name: t, clusterNetwork: data, type: L2VlanTrunkNetwork, trunk: []}
                """, "vmNetworks[0].trunk", 5,
                "at least one entry is required; allowed: {id: VID} or {min: VID, max: VID}");
        assertOnlyProblem(DATA + """
                  - name: t
                    clusterNetwork: data
                    type: L2VlanNetwork
                    vlan: 5
                    trunk: [{id: 5}]
                """, "vmNetworks[0].trunk", 9,
                "only allowed with type L2VlanTrunkNetwork, this network is L2VlanNetwork");
    }

    @Test
    void trunkEntriesAreAnIdOrARange() {
        var problems = problemsOf(DATA + """
                  - name: t
                    clusterNetwork: data
                    type: L2VlanTrunkNetwork
                    trunk:
                      - {id: 5, min: 1, max: 9}
                      - 42
                      - {}
                      - {min: 300}
                      - {min: 300, max: 200}
                      - {id: 5000}
                      - {vid: 7}
                """);

        assertThat(problems).extracting(ConfigProblem::field, ConfigProblem::line, ConfigProblem::message)
                .containsExactly(
                        tuple("vmNetworks[0].trunk[0]", 9, "either a single VID or a "
                                + "range, not both; allowed: {id: VID} or {min: VID, max: VID}, VIDs 1..4094"),
                        tuple("vmNetworks[0].trunk[1]", 10, "expected {id: VID} or "
                                + "{min: VID, max: VID}, VIDs 1..4094, got integer 42"),
                        tuple("vmNetworks[0].trunk[2]", 11, "neither id nor min and max given; "
                                + "allowed: {id: VID} or {min: VID, max: VID}, VIDs 1..4094"),
                        tuple("vmNetworks[0].trunk[3].max", 12,
                                "missing required field; allowed: 1..4094"),
                        tuple("vmNetworks[0].trunk[4]", 13,
                                "min 300 is greater than max 200; write the range low to high"),
                        tuple("vmNetworks[0].trunk[5].id", 14,
                                "out of range: 5000; allowed: 1..4094"),
                        tuple("vmNetworks[0].trunk[6]", 15, "neither id nor min and max given; "
                                + "allowed: {id: VID} or {min: VID, max: VID}, VIDs 1..4094"),
                        tuple("vmNetworks[0].trunk[6].vid", 15, "unknown field; allowed: id, min, max"));
    }

    @Test
    void overlappingTrunkEntriesNameEachOther() {
        var problems = problemsOf(DATA + """
                  - name: t
                    clusterNetwork: data
                    type: L2VlanTrunkNetwork
                    trunk:
                      - {min: 200, max: 299}
                      - {id: 42}
                      - {min: 250, max: 260}
                      - {id: 42}
                """);

        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                "/etc/vmnetd/vmnetd.yaml:11:9: vmNetworks[0].trunk[2]: VIDs 250-260 overlap trunk[0] (200-299)",
                "/etc/vmnetd/vmnetd.yaml:12:9: vmNetworks[0].trunk[3]: VID 42 overlaps trunk[1] (42)");
    }

    @Test
    void aVidIsUsedByOneL2VlanNetworkPerClusterNetwork() {
        assertOnlyProblem(DATA + """
                  - {name: a, clusterNetwork: data, type: L2VlanNetwork, vlan: 100}
                  - {name: b, clusterNetwork: storage, type: L2VlanNetwork, vlan: 100}
                  - {name: c, clusterNetwork: data, type: L2VlanNetwork, vlan: 100}
                """, "vmNetworks[2].vlan", 7,
                "VID 100 on cluster network data is already used by vmNetworks[0] (a, line 5)");
    }

    @Test
    void manualRoutesNeedAMatchingCidrAndGateway() {
        assertOnlyProblem(DATA + """
                  - name: a
                    clusterNetwork: data
                    type: UntaggedNetwork
                    route: {mode: manual, cidr: 10.0.100.0/24}
                """, "vmNetworks[0].route.gateway", 8, "missing required field; allowed: an address inside cidr");
        assertOnlyProblem(DATA + """
                  - name: a
                    clusterNetwork: data
                    type: UntaggedNetwork
                    route: {mode: manual, cidr: 10.0.100.0/24, gateway: 10.0.200.1}
                """, "vmNetworks[0].route.gateway", 8, "gateway 10.0.200.1 is not inside cidr 10.0.100.0/24");
        assertOnlyProblem(DATA + """
                  - name: a
                    clusterNetwork: data
                    type: UntaggedNetwork
                    route:
                      mode: manual
                      cidr: 10.0.100.0/33
                      gateway: 10.0.100.1
                """, "vmNetworks[0].route.cidr", 10, "invalid CIDR \"10.0.100.0/33\"; allowed: IPv4 address/0..32 or "
                + "IPv6 address/0..128");
        assertOnlyProblem(DATA + """
                  - name: a
                    clusterNetwork: data
                    type: UntaggedNetwork
                    route: {mode: manual, cidr: 10.0.100.7/24, gateway: 10.0.100.1}
                """, "vmNetworks[0].route.cidr", 8, "has host bits set; the network is 10.0.100.0/24");
        assertOnlyProblem(DATA + """
                  - name: a
                    clusterNetwork: data
                    type: UntaggedNetwork
                    route: {mode: manual, cidr: "2001:db8::/64", gateway: 10.0.0.1}
                """, "vmNetworks[0].route.gateway", 8, "gateway 10.0.0.1 is not inside cidr 2001:db8:0:0:0:0:0:0/64");
        assertOnlyProblem(DATA + """
                  - name: a
                    clusterNetwork: data
                    type: UntaggedNetwork
                    route: {mode: manual, cidr: 10.0.100.0/24, gateway: 10.0.100.255}
                """, "vmNetworks[0].route.gateway", 8, "is the broadcast address of 10.0.100.0/24");
    }

    @Test
    void autoRoutesTakeNoCidrOrGateway() {
        var problems = problemsOf(DATA + """
                  - name: a
                    clusterNetwork: data
                    type: UntaggedNetwork
                    route:
                      cidr: 10.0.100.0/24
                      gateway: 10.0.100.1
                """);

        assertThat(problems).extracting(ConfigProblem::field, ConfigProblem::line).containsExactly(
                tuple("vmNetworks[0].route.cidr", 9),
                tuple("vmNetworks[0].route.gateway", 10));
        assertThat(problems.get(0).message())
                .isEqualTo("only allowed with route mode manual; set mode: manual or remove this field");
    }

    @Test
    void routeModeIsAutoOrManual() {
        assertOnlyProblem(DATA + """
                  - {name: a, clusterNetwork: data, type: UntaggedNetwork, route: {mode: static}}
                """, "vmNetworks[0].route.mode", 5, "unknown value \"static\"; allowed: auto, manual");
    }

    @Test
    void unknownVmNetworkFieldNamesTheAllowedOnes() {
        assertOnlyProblem(DATA + """
                  - name: a
                    clusterNetwork: data
                    type: L2VlanNetwork
                    vlan: 3
                    vlna: 4
                """, "vmNetworks[0].vlna", 9, "unknown field; allowed: name, clusterNetwork, type, vlan, trunk, route");
    }
}
