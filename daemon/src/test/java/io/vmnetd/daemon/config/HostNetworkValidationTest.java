package io.vmnetd.daemon.config;

import static io.vmnetd.daemon.config.ConfigProblemsAssert.assertOnlyProblem;
import static io.vmnetd.daemon.config.ConfigProblemsAssert.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vmnetd.daemon.config.HostNetwork.Addressing;
import io.vmnetd.netlink.IpPrefix;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** hostNetworks: each field, and across entries one interface per VLAN and subnets that do not overlap. */
class HostNetworkValidationTest {

    private static final String DATA = """
            clusterNetworks:
              - {name: data, mtu: 9000, uplink: {nics: [eth1]}}
            """;

    private static Config parse(String hostNetworks) throws ConfigException {
        return ConfigLoader.parse(DATA + hostNetworks, ConfigProblemsAssert.SOURCE);
    }

    private static void assertProblem(String hostNetworks, String field, String messagePart) {
        assertOnlyProblem(DATA + hostNetworks, field, 0 + lineOf(hostNetworks, field), messagePart);
    }

    /** The line of the field's entry in the document (DATA has two lines): the test texts put one entry a line. */
    private static int lineOf(String hostNetworks, String field) {
        int entry = Integer.parseInt(field.replaceAll("^hostNetworks\\[(\\d+)].*", "$1"));
        return 2 + 2 + entry;
    }

    @Test
    void aStaticAndADhcpHostNetworkAreRead() throws ConfigException {
        Config config = parse("""
                hostNetworks:
                  - {name: storage, clusterNetwork: data, vlan: 100, mode: static, address: 10.0.100.5/24, gateway: 10.0.100.1, routes: [10.20.0.0/16]}
                  - {name: migration, clusterNetwork: mgmt, vlan: 200, mode: dhcp, routes: [10.30.0.0/16]}
                """);

        assertThat(config.hostNetworks()).containsExactly(
                new HostNetwork("storage", "data", 100, new Addressing.Static(IpPrefix.parse("10.0.100.5/24"),
                        Optional.of(IpPrefix.parseAddress("10.0.100.1"))), List.of(IpPrefix.parse("10.20.0.0/16"))),
                new HostNetwork("migration", "mgmt", 200, new Addressing.Dhcp(), List.of(IpPrefix.parse("10.30.0.0/16"))));
        assertThat(config.hostNetworks().get(0).interfaceName()).isEqualTo("data-br.100");
        assertThat(config.hostNetworksOf("mgmt")).extracting(HostNetwork::interfaceName).containsExactly("mgmt-br.200");
    }

    @Test
    void requiredFieldsNameWhatIsAllowed() {
        var problems = problemsOf(DATA + """
                hostNetworks:
                  - {name: storage}
                """);

        assertThat(problems).extracting(ConfigProblem::field).containsExactly("hostNetworks[0].clusterNetwork",
                "hostNetworks[0].vlan", "hostNetworks[0].mode");
        assertThat(problems).extracting(ConfigProblem::message).containsExactly(
                "missing required field; allowed: mgmt, data",
                "missing required field; allowed: 2..4094 (VLAN 1 is the bridge's own native VLAN)",
                "missing required field; allowed: static, dhcp");
    }

    @Test
    void vlanIsTwoTo4094() {
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 1, mode: dhcp}
                """, "hostNetworks[0].vlan", "out of range: 1; allowed: 2..4094");
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 4095, mode: dhcp}
                """, "hostNetworks[0].vlan", "out of range: 4095; allowed: 2..4094");
    }

    @Test
    void nameRulesAreThoseOfOtherNames() {
        assertProblem("""
                hostNetworks:
                  - {name: Storage_1, clusterNetwork: data, vlan: 100, mode: dhcp}
                """, "hostNetworks[0].name", "invalid host network name \"Storage_1\"; allowed: 1..63 of [a-z0-9-]");
        assertOnlyProblem(DATA + """
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: dhcp}
                  - {name: s, clusterNetwork: data, vlan: 200, mode: dhcp}
                """, "hostNetworks[1].name", 5, "duplicate host network name \"s\"; first declared at hostNetworks[0]");
    }

    @Test
    void clusterNetworkMustExist() {
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: storage, vlan: 100, mode: dhcp}
                """, "hostNetworks[0].clusterNetwork", "unknown value \"storage\"; allowed: mgmt, data");
    }

    @Test
    void oneHostInterfacePerVlanOfAClusterNetwork() throws ConfigException {
        assertOnlyProblem(DATA + """
                hostNetworks:
                  - {name: a, clusterNetwork: data, vlan: 100, mode: dhcp}
                  - {name: b, clusterNetwork: data, vlan: 100, mode: static, address: 10.0.0.5/24}
                """, "hostNetworks[1].vlan", 5, "VLAN 100 of cluster network data already has a host interface "
                + "(data-br.100), from hostNetworks[0] (line 4");
        assertThat(parse("""
                hostNetworks:
                  - {name: a, clusterNetwork: data, vlan: 100, mode: dhcp}
                  - {name: b, clusterNetwork: mgmt, vlan: 100, mode: dhcp}
                """).hostNetworks()).hasSize(2);
    }

    @Test
    void theInterfaceNameMustFitInFifteenBytes() {
        assertOnlyProblem("""
                clusterNetworks:
                  - {name: twelvecharsx, uplink: {nics: [eth1]}}
                hostNetworks:
                  - {name: s, clusterNetwork: twelvecharsx, vlan: 100, mode: dhcp}
                """, "hostNetworks[0].vlan", 4, "the host interface twelvecharsx-br.100 would be 19 bytes; Linux "
                + "allows 15: use a cluster network whose name has at most 8 characters for VLAN 100");
    }

    @Test
    void addressOnlyInStaticModeAndThenRequired() {
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: dhcp, address: 10.0.0.5/24}
                """, "hostNetworks[0].address", "in mode dhcp the address comes from the DHCP lease; remove this "
                + "field or set mode: static");
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: dhcp, gateway: 10.0.0.1}
                """, "hostNetworks[0].gateway", "the gateway comes from the DHCP lease (its router option)");
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: static}
                """, "hostNetworks[0].address", "missing required field; allowed: an address with its prefix length");
    }

    @Test
    void theAddressIsAValidHostAddressWithItsPrefix() {
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: static, address: 10.0.0.5}
                """, "hostNetworks[0].address", "invalid address \"10.0.0.5\"; allowed: an address with its prefix "
                + "length, e.g. 10.0.100.5/24");
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: static, address: 10.0.0.0/24}
                """, "hostNetworks[0].address", "is the network address of its subnet; give the node's own address "
                + "in it, e.g. 10.0.0.5/24");
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: static, address: 10.0.0.255/24}
                """, "hostNetworks[0].address", "is the broadcast address of its subnet");
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: static, address: 10.0.0.5/33}
                """, "hostNetworks[0].address", "invalid address \"10.0.0.5/33\"");
    }

    @Test
    void theGatewayIsInsideTheSubnetAndNotTheNodesOwnAddress() {
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: static, address: 10.0.0.5/24, gateway: 10.0.1.1}
                """, "hostNetworks[0].gateway", "gateway 10.0.1.1 is not inside the subnet 10.0.0.0/24 of address");
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: static, address: 10.0.0.5/24, gateway: 10.0.0.5}
                """, "hostNetworks[0].gateway", "gateway 10.0.0.5 is the node's own address");
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: static, address: 10.0.0.5/24, gateway: gw}
                """, "hostNetworks[0].gateway", "invalid IP address \"gw\"");
    }

    @Test
    void routesNeedAGatewayAreNetworksAndNeverTheDefault() {
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: static, address: 10.0.0.5/24, routes: [10.1.0.0/16]}
                """, "hostNetworks[0].routes", "routes go through the gateway; set gateway");
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: dhcp, routes: [0.0.0.0/0]}
                """, "hostNetworks[0].routes[0]", "a host network never takes the node's default route");
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: dhcp, routes: [10.1.2.3/16]}
                """, "hostNetworks[0].routes[0]", "\"10.1.2.3/16\" has host bits set; the network is 10.1.0.0/16");
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: dhcp, routes: ["fd00::/64"]}
                """, "hostNetworks[0].routes[0]", "is not of the address family of this host network (IPv4)");
    }

    @Test
    void staticSubnetsOfTwoHostNetworksMustNotOverlap() {
        assertOnlyProblem(DATA + """
                hostNetworks:
                  - {name: a, clusterNetwork: data, vlan: 100, mode: static, address: 10.0.0.5/16}
                  - {name: b, clusterNetwork: data, vlan: 200, mode: static, address: 10.0.9.5/24}
                """, "hostNetworks[1].address", 5, "subnet 10.0.9.0/24 overlaps 10.0.0.0/16 of host network a "
                + "(hostNetworks[0].address)");
    }

    @Test
    void unknownFieldsAreNamed() {
        assertProblem("""
                hostNetworks:
                  - {name: s, clusterNetwork: data, vlan: 100, mode: dhcp, mtu: 1500}
                """, "hostNetworks[0].mtu", "unknown field; allowed: name, clusterNetwork, vlan, mode, address, "
                + "gateway, routes");
    }
}
