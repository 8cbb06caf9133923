package io.vmnetd.kube.translate;

import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Uplink;
import io.vmnetd.kube.crd.Harvester;
import io.vmnetd.kube.crd.VlanConfig;
import io.vmnetd.kube.crd.VlanConfig.BondOptions;
import io.vmnetd.kube.crd.VlanConfig.LinkAttributes;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BondOption;
import io.vmnetd.netlink.BondOptions.XmitHashPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A VlanConfig as the uplink of its cluster network: what vmnetd applies, what it reports as unsupported.
 *
 * <p>Harvester spells bondOptions.xmitHashPolicy, lacpRate and adSelect with the kernel's own value names (its CRD's
 * enums, and vishvananda/netlink's StringToBond*Map its agent looks them up in, are sysfs's names), which are the
 * config file's: they are passed through unchanged and checked by the file's rules, including the mode each applies
 * to. Harvester's enum lacks the kernel's {@code vlan+srcmac}; the API server refuses it against Harvester's CRD.
 */
final class VlanConfigs {
    /** Harvester's defaults: mtu 0 and txQLen/miimon -1 mean "not set". */
    private static final int UNSET = -1;

    private static final List<Map.Entry<String, String>> FIELD_NAMES = List.of(
            Map.entry("clusterNetworks[0].uplink.bond.mode", "spec.uplink.bondOptions.mode"),
            Map.entry("clusterNetworks[0].uplink.bond.miimon", "spec.uplink.bondOptions.miimon"),
            Map.entry("clusterNetworks[0].uplink.bond.xmitHashPolicy", "spec.uplink.bondOptions.xmitHashPolicy"),
            Map.entry("clusterNetworks[0].uplink.bond.lacpRate", "spec.uplink.bondOptions.lacpRate"),
            Map.entry("clusterNetworks[0].uplink.bond.adSelect", "spec.uplink.bondOptions.adSelect"),
            Map.entry("clusterNetworks[0].uplink.bond", "spec.uplink.bondOptions"),
            Map.entry("clusterNetworks[0].uplink.hardwareAddr", "spec.uplink.linkAttributes.hardwareAddr"),
            Map.entry("clusterNetworks[0].uplink.txQueueLen", "spec.uplink.linkAttributes.txQLen"),
            Map.entry("clusterNetworks[0].uplink.nics", "spec.uplink.nics"),
            Map.entry("clusterNetworks[0].uplink", "spec.uplink"),
            Map.entry("clusterNetworks[0].mtu", "spec.uplink.linkAttributes.mtu"),
            Map.entry("clusterNetworks[0].name", "spec.clusterNetwork"),
            Map.entry("clusterNetworks[0]", "spec"));

    /** The uplink, or why not; plus the fields asked for that vmnetd does not apply. */
    record Mapped(Optional<ClusterNetwork> network, List<String> problems, List<String> unsupported) {}

    private VlanConfigs() {}

    static String clusterNetworkOf(VlanConfig vc) {
        return vc.getSpec() == null || vc.getSpec().clusterNetwork() == null ? "" : vc.getSpec().clusterNetwork();
    }

    /** True when the VlanConfig's nodeSelector matches {@code labels} (an empty selector matches every node). */
    static boolean selects(VlanConfig vc, Map<String, String> labels) {
        Map<String, String> selector = vc.getSpec() == null ? null : vc.getSpec().nodeSelector();
        if (selector == null) {
            return true;
        }
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    static Mapped map(VlanConfig vc) {
        VlanConfig.Spec spec = vc.getSpec();
        if (spec == null || spec.uplink() == null) {
            return new Mapped(Optional.empty(), List.of("spec.uplink: missing required field; allowed: nics, "
                    + "linkAttributes, bondOptions"), List.of());
        }
        String cn = clusterNetworkOf(vc);
        if (cn.equals(Harvester.MGMT)) {
            return new Mapped(Optional.empty(), List.of("spec.clusterNetwork: mgmt is the node's management network, "
                    + "adopted as the installer made it; a VlanConfig cannot change it"), List.of());
        }
        LinkAttributes attrs = spec.uplink().linkAttributes();
        BondOptions bond = spec.uplink().bondOptions();
        List<String> problems = new ArrayList<>();
        Map<String, Object> uplink = new LinkedHashMap<>();
        uplink.put("nics", spec.uplink().nics() == null ? List.of() : spec.uplink().nics());
        Map<String, Object> bondFields = bond == null ? Map.of() : bondFields(bond);
        if (!bondFields.isEmpty()) {
            uplink.put("bond", bondFields);
        }
        if (attrs != null && attrs.txQLen() != null && attrs.txQLen() != UNSET) {
            uplink.put("txQueueLen", attrs.txQLen());
        }
        if (attrs != null && attrs.hardwareAddr() != null && !attrs.hardwareAddr().isEmpty()) {
            HardwareAddrs.colonHex(attrs.hardwareAddr()).ifPresentOrElse(mac -> uplink.put("hardwareAddr", mac),
                    () -> problems.add("spec.uplink.linkAttributes.hardwareAddr: \"" + attrs.hardwareAddr()
                            + "\" is not base64, the form Go gives a net.HardwareAddr; e.g. AgBeEAAB for "
                            + "02:00:5e:10:00:01"));
        }
        Map<String, Object> network = new LinkedHashMap<>();
        network.put("name", cn);
        if (attrs != null && attrs.mtu() != null && attrs.mtu() != 0) {
            network.put("mtu", attrs.mtu());
        }
        network.put("uplink", uplink);
        ConfigRules.Result result = ConfigRules.check(Map.of("clusterNetworks", List.of(network)), FIELD_NAMES);
        List<String> unsupported = unsupported(bond);
        if (result instanceof ConfigRules.Invalid invalid) {
            problems.addAll(invalid.problems());
        }
        if (!problems.isEmpty()) {
            return new Mapped(Optional.empty(), problems, unsupported);
        }
        ClusterNetwork mapped = ((ConfigRules.Valid) result).config().clusterNetworks().get(0);
        return new Mapped(Optional.of(mapped), List.of(), unsupported);
    }

    /** uplink.bond: mode, miimon and the options vmnetd applies, as the config file would write them. */
    private static Map<String, Object> bondFields(BondOptions bond) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (isSet(bond.mode())) {
            out.put("mode", bond.mode());
        }
        if (bond.miimon() != null && bond.miimon() != UNSET) {
            out.put("miimon", bond.miimon());
        }
        if (isSet(bond.xmitHashPolicy()) && !isDefaultHashOutsideItsModes(bond)) {
            out.put("xmitHashPolicy", bond.xmitHashPolicy());
        }
        if (isSet(bond.lacpRate())) {
            out.put("lacpRate", bond.lacpRate());
        }
        if (isSet(bond.adSelect())) {
            out.put("adSelect", bond.adSelect());
        }
        return out;
    }

    /**
     * Harvester's CRD defaults xmitHashPolicy to layer2, so the API server writes it into every VlanConfig with
     * bondOptions, whatever the mode. layer2 is the kernel's default too, and a mode that hashes nothing ignores it:
     * such a value is left out rather than refused as an option of another mode. Any other policy in such a mode
     * was asked for, and is refused by the file's rules (as Harvester's own webhook refuses it).
     */
    private static boolean isDefaultHashOutsideItsModes(BondOptions bond) {
        if (!bond.xmitHashPolicy().equals(XmitHashPolicy.LAYER2.kernelName())) {
            return false;
        }
        Optional<BondMode> mode = isSet(bond.mode()) ? BondMode.find(bond.mode()) : Optional.of(Uplink.DEFAULT_MODE);
        return mode.map(m -> !BondOption.XMIT_HASH_POLICY.appliesTo(m)).orElse(false);
    }

    private static boolean isSet(String value) {
        return value != null && !value.isEmpty();
    }

    /** The ARP monitor's options: vmnetd watches links with the MII monitor only. */
    private static List<String> unsupported(BondOptions bond) {
        List<String> out = new ArrayList<>();
        if (bond != null) {
            if (bond.arpInterval() != null && bond.arpInterval() > 0) {
                note(out, "arpInterval", bond.arpInterval().toString());
            }
            if (bond.arpIpTargets() != null && !bond.arpIpTargets().isEmpty()) {
                note(out, "arpIpTargets", String.join(",", bond.arpIpTargets()));
            }
            if (bond.arpValidate() != null && !bond.arpValidate().equals("none")) {
                note(out, "arpValidate", bond.arpValidate());
            }
            if (bond.arpAllTargets() != null && !bond.arpAllTargets().equals("any")) {
                note(out, "arpAllTargets", bond.arpAllTargets());
            }
        }
        return out;
    }

    private static void note(List<String> out, String option, String value) {
        if (value != null && !value.isEmpty()) {
            out.add("spec.uplink.bondOptions." + option + " (" + value + "): the kernel's default applies");
        }
    }
}
