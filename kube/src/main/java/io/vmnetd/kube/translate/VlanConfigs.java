package io.vmnetd.kube.translate;

import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.kube.crd.Harvester;
import io.vmnetd.kube.crd.VlanConfig;
import io.vmnetd.kube.crd.VlanConfig.BondOptions;
import io.vmnetd.kube.crd.VlanConfig.LinkAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A VlanConfig as the uplink of its cluster network: what vmnetd applies, what it reports as unsupported. */
final class VlanConfigs {
    /** Harvester's defaults: mtu 0 and txQLen/miimon -1 mean "not set". */
    private static final int UNSET = -1;

    private static final List<Map.Entry<String, String>> FIELD_NAMES = List.of(
            Map.entry("clusterNetworks[0].uplink.bond.mode", "spec.uplink.bondOptions.mode"),
            Map.entry("clusterNetworks[0].uplink.bond.miimon", "spec.uplink.bondOptions.miimon"),
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
        Map<String, Object> uplink = new LinkedHashMap<>();
        uplink.put("nics", spec.uplink().nics() == null ? List.of() : spec.uplink().nics());
        Map<String, Object> bondFields = new LinkedHashMap<>();
        if (bond != null && bond.mode() != null && !bond.mode().isEmpty()) {
            bondFields.put("mode", bond.mode());
        }
        if (bond != null && bond.miimon() != null && bond.miimon() != UNSET) {
            bondFields.put("miimon", bond.miimon());
        }
        if (!bondFields.isEmpty()) {
            uplink.put("bond", bondFields);
        }
        if (attrs != null && attrs.txQLen() != null && attrs.txQLen() != UNSET) {
            uplink.put("txQueueLen", attrs.txQLen());
        }
        Map<String, Object> network = new LinkedHashMap<>();
        network.put("name", cn);
        if (attrs != null && attrs.mtu() != null && attrs.mtu() != 0) {
            network.put("mtu", attrs.mtu());
        }
        network.put("uplink", uplink);
        ConfigRules.Result result = ConfigRules.check(Map.of("clusterNetworks", List.of(network)), FIELD_NAMES);
        List<String> unsupported = unsupported(attrs, bond);
        if (result instanceof ConfigRules.Invalid invalid) {
            return new Mapped(Optional.empty(), invalid.problems(), unsupported);
        }
        ClusterNetwork mapped = ((ConfigRules.Valid) result).config().clusterNetworks().get(0);
        return new Mapped(Optional.of(mapped), List.of(), unsupported);
    }

    private static List<String> unsupported(LinkAttributes attrs, BondOptions bond) {
        List<String> out = new ArrayList<>();
        if (attrs != null && attrs.hardwareAddr() != null && !attrs.hardwareAddr().isEmpty()) {
            out.add("spec.uplink.linkAttributes.hardwareAddr (" + mac(attrs.hardwareAddr())
                    + "): the bond keeps the address the kernel gives it");
        }
        if (bond != null) {
            note(out, "xmitHashPolicy", bond.xmitHashPolicy());
            note(out, "lacpRate", bond.lacpRate());
            note(out, "adSelect", bond.adSelect());
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

    /** Go marshals net.HardwareAddr ([]byte) as base64. */
    private static String mac(String base64) {
        try {
            return HexFormat.ofDelimiter(":").formatHex(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            return base64;
        }
    }
}
