package io.vmnetd.kube.translate;

import static io.vmnetd.kube.testing.ClusterObjects.nad;
import static io.vmnetd.kube.testing.ClusterObjects.trunkNad;
import static io.vmnetd.kube.testing.ClusterObjects.untaggedNad;
import static io.vmnetd.kube.testing.ClusterObjects.vlanConfig;
import static io.vmnetd.kube.testing.ClusterObjects.vlanNad;
import static io.vmnetd.kube.testing.ClusterObjects.withRoute;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.config.BondSettings;
import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Route;
import io.vmnetd.daemon.config.Uplink;
import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.daemon.config.VmNetworkType;
import io.vmnetd.kube.crd.NetworkAttachmentDefinition;
import io.vmnetd.kube.crd.VlanConfig;
import io.vmnetd.kube.translate.ClusterNetworkReport.Verdict;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BondOptions.AdSelect;
import io.vmnetd.netlink.BondOptions.LacpRate;
import io.vmnetd.netlink.BondOptions.XmitHashPolicy;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.VidRange;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TranslatorTest {
    static final Map<String, String> NODE = Map.of("kubernetes.io/hostname", "n1", "rack", "a");
    static final Set<String> CNS = Set.of("mgmt", "data", "storage");
    static final VlanConfig DATA_RACK_A = vlanConfig("data-a", "data", Map.of("rack", "a"), "eth1", "eth2");

    static Translation translate(List<VlanConfig> vcs, List<NetworkAttachmentDefinition> nads, Running previous) {
        return Translator.translate(new Translator.Inputs(NODE, CNS, vcs, nads), previous);
    }

    static ClusterNetwork data(String... nics) {
        return new ClusterNetwork("data", 1500, new Uplink(List.of(nics), BondMode.ACTIVE_BACKUP, 100,
                OptionalInt.empty()));
    }

    @Test
    void aVlanConfigSelectingThisNodeGivesItsUplinkWithHarvestersDefaults() {
        Translation t = translate(List.of(DATA_RACK_A, vlanConfig("data-b", "data", Map.of("rack", "b"), "eth9")),
                List.of(), Running.empty());

        assertThat(t.running().clusterNetworks()).containsOnlyKeys("data");
        assertThat(t.running().clusterNetworks().get("data").network()).isEqualTo(data("eth1", "eth2"));
        assertThat(t.running().clusterNetworks().get("data").vlanConfig()).isEqualTo("data-a");
        assertThat(t.reports().get("data").verdict()).isEqualTo(Verdict.APPLIED);
        assertThat(t.reports().get("data").vlanConfigs()).containsExactly("data-a");
    }

    @Test
    void anEmptyNodeSelectorSelectsEveryNode() {
        Translation t = translate(List.of(vlanConfig("all", "data", null, "eth1")), List.of(), Running.empty());
        assertThat(t.running().clusterNetworks()).containsOnlyKeys("data");
    }

    static VlanConfig withUplink(String mode, String xmit, String lacp, String adSelect, String hardwareAddr) {
        return vlanConfig("data-a", "data", Map.of(), new VlanConfig.Uplink(List.of("eth1", "eth2"),
                new VlanConfig.LinkAttributes(null, null, hardwareAddr),
                new VlanConfig.BondOptions(mode, null, xmit, lacp, adSelect, null, null, null, null)));
    }

    static BondSettings settings(XmitHashPolicy xmit, LacpRate lacp, AdSelect adSelect) {
        return new BondSettings(Optional.ofNullable(xmit), Optional.ofNullable(lacp), Optional.ofNullable(adSelect),
                OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), OptionalInt.empty());
    }

    @Test
    void linkAttributesAndBondOptionsMapWhatVmnetdSupportsAndReportTheRest() {
        VlanConfig vc = vlanConfig("data-a", "data", Map.of(), new VlanConfig.Uplink(List.of("eth1"),
                new VlanConfig.LinkAttributes(9000, 2000, "AgBeEAAB"),
                new VlanConfig.BondOptions("802.3ad", 200, "layer3+4", "fast", "bandwidth", 1000,
                        List.of("10.0.0.1"), "all", "any")));
        Translation t = translate(List.of(vc), List.of(), Running.empty());

        assertThat(t.reports().get("data").verdict()).isEqualTo(Verdict.APPLIED);
        assertThat(t.running().clusterNetworks().get("data").network()).isEqualTo(new ClusterNetwork("data", 9000,
                new Uplink(List.of("eth1"), BondMode.IEEE_802_3AD, 200, OptionalInt.of(2000),
                        settings(XmitHashPolicy.LAYER3_4, LacpRate.FAST, AdSelect.BANDWIDTH),
                        Optional.of(MacAddress.parse("02:00:5e:10:00:01")))));
        assertThat(t.reports().get("data").unsupported()).containsExactly(
                "spec.uplink.bondOptions.arpInterval (1000): the kernel's default applies",
                "spec.uplink.bondOptions.arpIpTargets (10.0.0.1): the kernel's default applies",
                "spec.uplink.bondOptions.arpValidate (all): the kernel's default applies");
    }

    @Test
    void eachBondOptionAndTheMacMapOnItsOwn() {
        assertThat(mapped(withUplink("balance-xor", "encap3+4", null, null, null)).uplink().bond())
                .isEqualTo(settings(XmitHashPolicy.ENCAP3_4, null, null));
        assertThat(mapped(withUplink("802.3ad", null, "fast", null, null)).uplink().bond())
                .isEqualTo(settings(null, LacpRate.FAST, null));
        assertThat(mapped(withUplink("802.3ad", null, null, "count", null)).uplink().bond())
                .isEqualTo(settings(null, null, AdSelect.COUNT));
        ClusterNetwork withMac = mapped(withUplink(null, null, null, null, "AgBeEAAB"));
        assertThat(withMac.uplink().hardwareAddr()).contains(MacAddress.parse("02:00:5e:10:00:01"));
        assertThat(withMac.uplink().bond()).isEqualTo(BondSettings.NONE);
        assertThat(mapped(withUplink(null, null, null, null, "")).uplink().hardwareAddr())
                .as("Go omits an empty address; an empty string is the same").isEmpty();
    }

    @Test
    void harvestersDefaultHashPolicyIsLeftOutInAModeThatHashesNothing() {
        // Harvester's CRD defaults xmitHashPolicy to layer2 whatever the mode: not an option asked for.
        assertThat(mapped(withUplink("active-backup", "layer2", null, null, null)).uplink().bond())
                .isEqualTo(BondSettings.NONE);
        assertThat(mapped(withUplink(null, "layer2", null, null, null)).uplink().bond())
                .as("the default mode, active-backup").isEqualTo(BondSettings.NONE);
        assertThat(mapped(withUplink("802.3ad", "layer2", null, null, null)).uplink().bond())
                .as("written where it applies").isEqualTo(settings(XmitHashPolicy.LAYER2, null, null));
    }

    @Test
    void aBondOptionOrMacTheFileWouldRefuseIsReportedByFieldAndChangesNothing() {
        Running before = translate(List.of(DATA_RACK_A), List.of(), Running.empty()).running();
        Map<VlanConfig, String> refused = new java.util.LinkedHashMap<>();
        refused.put(withUplink("active-backup", "layer3+4", null, null, null),
                "VlanConfig data-a: spec.uplink.bondOptions.xmitHashPolicy: the bonding driver uses xmit_hash_policy "
                        + "only in mode balance-xor, 802.3ad, balance-tlb; this bond's mode is active-backup: remove "
                        + "xmitHashPolicy or change spec.uplink.bondOptions.mode");
        refused.put(withUplink("balance-xor", null, "fast", null, null),
                "VlanConfig data-a: spec.uplink.bondOptions.lacpRate: the bonding driver uses lacp_rate only in mode "
                        + "802.3ad; this bond's mode is balance-xor: remove lacpRate or change "
                        + "spec.uplink.bondOptions.mode");
        refused.put(withUplink(null, null, null, "bandwidth", null),
                "VlanConfig data-a: spec.uplink.bondOptions.adSelect: the bonding driver uses ad_select only in mode "
                        + "802.3ad; this bond's mode is active-backup (the default): remove adSelect or change "
                        + "spec.uplink.bondOptions.mode");
        refused.put(withUplink("802.3ad", "layer3_4", null, null, null),
                "VlanConfig data-a: spec.uplink.bondOptions.xmitHashPolicy: unknown value \"layer3_4\"; allowed: "
                        + "layer2, layer3+4, layer2+3, encap2+3, encap3+4, vlan+srcmac");
        refused.put(withUplink(null, null, null, null, "AQBeEAAB"),
                "VlanConfig data-a: spec.uplink.linkAttributes.hardwareAddr: \"01:00:5e:10:00:01\" is a multicast "
                        + "address; a bond needs a unicast address (the first octet even), e.g. 02:00:5e:10:00:01");
        refused.put(withUplink(null, null, null, null, "AgBeEAABAgM="),
                "VlanConfig data-a: spec.uplink.linkAttributes.hardwareAddr: invalid MAC address "
                        + "\"02:00:5e:10:00:01:02:03\"; allowed: 6 hex octets separated by ':', e.g. 02:00:5e:10:00:01");
        refused.put(withUplink(null, null, null, null, "02:00:5e:10:00:01"),
                "VlanConfig data-a: spec.uplink.linkAttributes.hardwareAddr: \"02:00:5e:10:00:01\" is not base64, "
                        + "the form Go gives a net.HardwareAddr; e.g. AgBeEAAB for 02:00:5e:10:00:01");
        refused.forEach((vc, problem) -> {
            Translation t = translate(List.of(vc), List.of(), before);
            assertThat(t.running()).as(problem).isEqualTo(before);
            assertThat(t.reports().get("data").verdict()).isEqualTo(Verdict.INVALID);
            assertThat(t.reports().get("data").keptFrom()).contains("data-a");
            assertThat(t.reports().get("data").problems()).containsExactly(problem);
        });
    }

    @Test
    void aClusterNetworkWrittenBackAsTheFileWouldIsTheSameNetwork() {
        ClusterNetwork tuned = new ClusterNetwork("data", 9000, new Uplink(List.of("eth1", "eth2"),
                BondMode.IEEE_802_3AD, 100, OptionalInt.of(2000), new BondSettings(Optional.of(XmitHashPolicy.LAYER3_4),
                Optional.of(LacpRate.FAST), Optional.of(AdSelect.COUNT), OptionalInt.of(200), OptionalInt.of(100),
                Optional.empty(), OptionalInt.of(1)), Optional.of(MacAddress.parse("02:00:5e:10:00:01"))));
        ConfigRules.Result again = ConfigRules.check(Map.of("clusterNetworks",
                List.of(ClusterNetworkDocument.of(tuned))), List.of());
        assertThat(again).isInstanceOfSatisfying(ConfigRules.Valid.class,
                v -> assertThat(v.config().clusterNetworks()).containsExactly(tuned));

        ClusterNetwork primary = new ClusterNetwork("data", 1500, new Uplink(List.of("eth1", "eth2"),
                BondMode.ACTIVE_BACKUP, 100, OptionalInt.empty(), new BondSettings(Optional.empty(), Optional.empty(),
                Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.of("eth2"), OptionalInt.empty()),
                Optional.empty()));
        assertThat(ConfigRules.check(Map.of("clusterNetworks", List.of(ClusterNetworkDocument.of(primary))), List.of()))
                .isInstanceOfSatisfying(ConfigRules.Valid.class,
                        v -> assertThat(v.config().clusterNetworks()).containsExactly(primary));
    }

    @Test
    void aDefinitionOnATunedClusterNetworkIsCheckedAgainstItAsItRuns() {
        VlanConfig tuned = vlanConfig("data-a", "data", Map.of("rack", "a"), new VlanConfig.Uplink(
                List.of("eth1", "eth2"), new VlanConfig.LinkAttributes(null, null, "AgBeEAAB"),
                new VlanConfig.BondOptions("802.3ad", null, "layer3+4", "fast", "bandwidth", null, null, null, null)));
        Translation t = translate(List.of(tuned), List.of(vlanNad("default", "vlan100", "data", 100)),
                Running.empty());
        assertThat(t.nads()).extracting(NadReport::state).containsExactly(NadReport.State.READY);
        assertThat(t.running().vmNetworks()).containsOnlyKeys("default/vlan100");
    }

    static ClusterNetwork mapped(VlanConfig vc) {
        Translation t = translate(List.of(vc), List.of(), Running.empty());
        assertThat(t.reports().get("data").problems()).isEmpty();
        return t.running().clusterNetworks().get("data").network();
    }

    @Test
    void anInvalidVlanConfigIsReportedByFieldAndKeepsWhatRan() {
        Running before = translate(List.of(DATA_RACK_A), List.of(), Running.empty()).running();
        VlanConfig broken = vlanConfig("data-a", "data", Map.of("rack", "a"), new VlanConfig.Uplink(
                List.of("eth1", "a very long nic name"), new VlanConfig.LinkAttributes(100, null, null),
                new VlanConfig.BondOptions("fastest", null, null, null, null, null, null, null, null)));

        Translation t = translate(List.of(broken), List.of(), before);

        assertThat(t.running().clusterNetworks()).isEqualTo(before.clusterNetworks());
        ClusterNetworkReport r = t.reports().get("data");
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.keptFrom()).contains("data-a");
        assertThat(r.problems()).hasSize(3).anySatisfy(p -> assertThat(p).startsWith(
                "VlanConfig data-a: spec.uplink.linkAttributes.mtu: out of range: 100; allowed: 576..9000"))
                .anySatisfy(p -> assertThat(p).startsWith("VlanConfig data-a: spec.uplink.nics[1]: invalid interface "
                        + "name \"a very long nic name\""))
                .anySatisfy(p -> assertThat(p).startsWith("VlanConfig data-a: spec.uplink.bondOptions.mode: unknown "
                        + "value \"fastest\"; allowed: balance-rr, active-backup"));
    }

    @Test
    void anInvalidVlanConfigWithNothingBeforeRunsNothing() {
        Translation t = translate(List.of(vlanConfig("data-a", "data", Map.of(), new VlanConfig.Uplink(null, null,
                null))), List.of(), Running.empty());
        assertThat(t.running().clusterNetworks()).isEmpty();
        assertThat(t.reports().get("data").problems()).containsExactly(
                "VlanConfig data-a: spec.uplink.nics: at least one NIC is required");
    }

    @Test
    void twoVlanConfigsOfOneClusterNetworkSelectingTheNodeAreAConflictThatChangesNothing() {
        Running before = translate(List.of(DATA_RACK_A), List.of(), Running.empty()).running();
        VlanConfig other = vlanConfig("data-all", "data", Map.of(), "eth3");

        Translation t = translate(List.of(DATA_RACK_A, other), List.of(), before);

        assertThat(t.running()).isEqualTo(before);
        ClusterNetworkReport r = t.reports().get("data");
        assertThat(r.verdict()).isEqualTo(Verdict.CONFLICT);
        assertThat(r.vlanConfigs()).containsExactly("data-a", "data-all");
        assertThat(r.problems()).containsExactly("VlanConfigs data-a and data-all both select this node for cluster "
                + "network data; remove this node from all but one (their nodeSelectors)");

        assertThat(translate(List.of(DATA_RACK_A, other), List.of(), Running.empty()).running().clusterNetworks())
                .as("a conflict from the start runs nothing").isEmpty();
    }

    @Test
    void aRelabelledNodeLeavesTheNetwork() {
        Running before = translate(List.of(DATA_RACK_A), List.of(vlanNad("default", "vlan100", "data", 100)),
                Running.empty()).running();
        Translation t = Translator.translate(new Translator.Inputs(Map.of("rack", "b"), CNS, List.of(DATA_RACK_A),
                List.of(vlanNad("default", "vlan100", "data", 100))), before);

        assertThat(t.running()).isEqualTo(Running.empty());
        assertThat(t.reports().get("data").verdict()).isEqualTo(Verdict.REMOVED);
        assertThat(t.nads()).as("VM networks of networks not on the node are none of its business").isEmpty();
    }

    @Test
    void twoClusterNetworksCannotShareANic() {
        VlanConfig storage = vlanConfig("storage-a", "storage", Map.of(), "eth2", "eth3");
        Running before = translate(List.of(DATA_RACK_A), List.of(), Running.empty()).running();

        Translation t = translate(List.of(DATA_RACK_A, storage), List.of(), before);

        assertThat(t.running().clusterNetworks()).containsOnlyKeys("data");
        assertThat(t.reports().get("storage").verdict()).isEqualTo(Verdict.NIC_CONFLICT);
        assertThat(t.reports().get("storage").problems()).containsExactly("VlanConfig storage-a: spec.uplink.nics: "
                + "NIC eth2 is already the uplink of cluster network data on this node; a NIC can serve one cluster "
                + "network only");
    }

    @Test
    void aVlanConfigForAMissingClusterNetworkOrForMgmtIsInvalid() {
        Translation t = translate(List.of(vlanConfig("x", "nowhere", Map.of(), "eth1"),
                vlanConfig("m", "mgmt", Map.of(), "eth4")), List.of(), Running.empty());
        assertThat(t.running().clusterNetworks()).isEmpty();
        assertThat(t.reports().get("nowhere").problems()).containsExactly("VlanConfig x: spec.clusterNetwork: there "
                + "is no ClusterNetwork nowhere; known: data, mgmt, storage");
        assertThat(t.reports().get("mgmt").problems().get(0)).startsWith("VlanConfig m: spec.clusterNetwork: mgmt is");
    }

    @Test
    void networkAttachmentDefinitionsBecomeVmNetworksOfTheirType() {
        Translation t = translate(List.of(DATA_RACK_A), List.of(
                withRoute(vlanNad("default", "vlan100", "data", 100),
                        "{\"mode\":\"manual\",\"cidr\":\"10.0.100.0/24\",\"gateway\":\"10.0.100.1\"}"),
                vlanNad("team-b", "vlan100", "data", 100),
                withRoute(untaggedNad("default", "native", "data"), "{\"mode\":\"auto\",\"cidr\":\"10.1.0.0/16\"}"),
                trunkNad("default", "trunk", "data", "[{\"minID\":200,\"maxID\":299},{\"id\":42}]"),
                vlanNad("default", "on-mgmt", "mgmt", 10),
                vlanNad("default", "elsewhere", "storage", 300),
                nad("default", "overlay", "data", "OverlayNetwork", "0", "{}")), Running.empty());

        Map<String, Running.RunningVmNetwork> vms = t.running().vmNetworks();
        assertThat(vms).containsOnlyKeys("default/vlan100", "team-b/vlan100", "default/native", "default/trunk",
                "default/on-mgmt");
        assertThat(vms.get("default/vlan100").network()).isEqualTo(new VmNetwork("default-vlan100", "data",
                VmNetworkType.L2VlanNetwork, OptionalInt.of(100), List.of(),
                Optional.of(Route.manual("10.0.100.0/24", "10.0.100.1"))));
        assertThat(vms.get("team-b/vlan100").network().vlan()).as("one VID for two namespaces").hasValue(100);
        assertThat(vms.get("default/native").network()).isEqualTo(new VmNetwork("default-native", "data",
                VmNetworkType.UntaggedNetwork, OptionalInt.empty(), List.of(), Optional.of(Route.auto())));
        assertThat(vms.get("default/trunk").network().trunk())
                .containsExactly(new VidRange(200, 299), new VidRange(42, 42));
        assertThat(vms.get("default/on-mgmt").network().clusterNetwork()).isEqualTo("mgmt");
        assertThat(t.nads()).extracting(NadReport::state).containsOnly(NadReport.State.READY);
        assertThat(t.localAreas().get("data")).containsExactlyInAnyOrder(
                new Translation.LocalArea(100, java.util.Optional.of("10.0.100.0/24")),
                new Translation.LocalArea(100, java.util.Optional.empty()));
    }

    @Test
    void anInvalidDefinitionIsReportedByFieldAndItsLastValidOneStays() {
        Running before = translate(List.of(DATA_RACK_A), List.of(vlanNad("default", "vlan100", "data", 100)),
                Running.empty()).running();
        NetworkAttachmentDefinition broken = vlanNad("default", "vlan100", "data", 5000);
        NetworkAttachmentDefinition badRoute = withRoute(vlanNad("default", "vlan200", "data", 200),
                "{\"mode\":\"manual\",\"cidr\":\"10.0.0.1/24\",\"gateway\":\"10.0.0.1\"}");

        Translation t = translate(List.of(DATA_RACK_A), List.of(broken, badRoute), before);

        assertThat(t.running().vmNetworks()).isEqualTo(before.vmNetworks());
        assertThat(t.nads()).extracting(NadReport::nad, NadReport::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("default/vlan100", NadReport.State.INVALID),
                org.assertj.core.groups.Tuple.tuple("default/vlan200", NadReport.State.INVALID));
        assertThat(t.nads().get(0).message()).isEqualTo("metadata.labels[network.harvesterhci.io/vlan-id]: out of "
                + "range: 5000; allowed: 1..4094 (its last valid definition still runs)");
        assertThat(t.nads().get(1).message()).startsWith("metadata.annotations[network.harvesterhci.io/route].cidr: "
                + "CIDR \"10.0.0.1/24\" has host bits set");
    }

    @Test
    void vmNetworkNamesAreStableAndDistinct() {
        Map<String, String> names = VmNetworkNames.of(List.of("a-b/c", "a/b-c", "default/vlan100",
                "default/My.Net", "very-long-namespace-name-for-a-team/very-long-network-attachment-name-x"));
        assertThat(names.get("default/vlan100")).isEqualTo("default-vlan100");
        assertThat(names.get("a-b/c")).isNotEqualTo(names.get("a/b-c")).startsWith("a-b-c-");
        assertThat(names.get("default/My.Net")).matches("default-my-net-[0-9a-f]{8}");
        assertThat(names.values()).allSatisfy(n -> assertThat(n).matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"));
        assertThat(VmNetworkNames.of(List.of("a-b/c", "a/b-c"))).isEqualTo(VmNetworkNames.of(List.of("a/b-c", "a-b/c")));
    }
}
