package io.vmnetd.kube.status;

import io.vmnetd.daemon.cluster.NetworkState;
import io.vmnetd.daemon.cluster.NetworkState.LinkState;
import io.vmnetd.daemon.cluster.Refusal;
import io.vmnetd.kube.crd.Condition;
import io.vmnetd.kube.crd.Harvester;
import io.vmnetd.kube.crd.VlanStatus;
import io.vmnetd.kube.translate.ClusterNetworkReport;
import io.vmnetd.kube.translate.ClusterNetworkReport.Verdict;
import io.vmnetd.kube.translate.NadReport;
import io.vmnetd.kube.translate.Translation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The VlanStatus this node owes for each cluster network that concerns it (a pure function of what it knows): the
 * {@code ready} condition says whether the network works here, {@code configured} whether what runs is what the
 * VlanConfig says (and if not, why: a conflict, an invalid field, a clash with the config file), {@code unsupported}
 * which asked-for fields vmnetd does not apply.
 */
final class VlanStatuses {
    static final String READY = "ready";
    static final String CONFIGURED = "configured";
    static final String UNSUPPORTED = "unsupported";

    /** One VlanStatus as it should be. */
    record Desired(String name, Map<String, String> labels, VlanStatus.Status status) {}

    private VlanStatuses() {}

    /** The name of the VlanStatus of {@code clusterNetwork} on {@code node}: {@code <cn>-<node>}, shortened if long. */
    static String name(String clusterNetwork, String node) {
        String name = clusterNetwork + "-" + node;
        if (name.length() <= 253) {
            return name;
        }
        return name.substring(0, 244).replaceAll("[.-]+$", "") + "-" + hash(name);
    }

    static Map<String, Desired> desired(String node, Translation t, List<NetworkState> states, List<Refusal> refusals,
                                        Map<String, Connectivity> connectivity, Map<String, VlanStatus> existing,
                                        String now) {
        Map<String, Desired> out = new TreeMap<>();
        for (ClusterNetworkReport r : t.reports().values()) {
            if (r.verdict() == Verdict.REMOVED) {
                continue;
            }
            String cn = r.clusterNetwork();
            String name = name(cn, node);
            Optional<NetworkState> state = states.stream().filter(s -> s.name().equals(cn)).findFirst();
            Optional<Refusal> refused = refusals.stream().filter(x -> x.network().equals(cn)).findFirst();
            VlanStatus old = existing.get(name);
            List<Condition> conditions = Conditions.stamp(conditions(r, state, refused),
                    old == null || old.getStatus() == null ? null : old.getStatus().conditions(), now);
            String vlanConfig = r.vlanConfigs().isEmpty() ? r.keptFrom().orElse("") : String.join(",", r.vlanConfigs());
            VlanStatus.Status status = new VlanStatus.Status(cn, vlanConfig, node, localAreas(t, cn),
                    state.map(VlanStatuses::links).orElse(null), state.map(s -> s.bridge().name()).orElse(null),
                    state.map(s -> s.bond().name()).orElse(null), state.map(s -> s.uplinkVids().toString()).orElse(null),
                    vmNetworks(t, cn, refusals, connectivity), conditions);
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put(Harvester.CLUSTER_NETWORK_LABEL, cn);
            labels.put(Harvester.NODE_LABEL, node);
            String vcLabel = r.vlanConfigs().size() == 1 ? r.vlanConfigs().get(0) : r.keptFrom().orElse("");
            if (!vcLabel.isEmpty() && vcLabel.length() <= 63) {
                labels.put(Harvester.VLAN_CONFIG_LABEL, vcLabel);
            }
            out.put(name, new Desired(name, labels, status));
        }
        return out;
    }

    /** The cluster networks whose VlanStatus says ready. */
    static java.util.Set<String> ready(Map<String, Desired> desired) {
        java.util.Set<String> out = new TreeSet<>();
        for (Desired d : desired.values()) {
            if (d.status().conditions().stream().anyMatch(c -> c.type().equals(READY) && c.status().equals("True"))) {
                out.add(d.status().clusterNetwork());
            }
        }
        return out;
    }

    private static List<Condition> conditions(ClusterNetworkReport r, Optional<NetworkState> state,
                                              Optional<Refusal> refused) {
        List<Condition> out = new ArrayList<>();
        out.add(ready(state));
        out.add(configured(r, refused));
        if (!r.unsupported().isEmpty()) {
            out.add(Conditions.of(UNSUPPORTED, true, "UnsupportedFields", "not applied: "
                    + String.join("; ", r.unsupported())));
        }
        return out;
    }

    private static Condition ready(Optional<NetworkState> state) {
        if (state.isEmpty()) {
            return Conditions.of(READY, false, "NotBuilt", "the cluster network does not run on this node");
        }
        NetworkState s = state.get();
        if (s.ready()) {
            return Conditions.of(READY, true, "Ready", "");
        }
        List<String> why = new ArrayList<>(s.problems());
        for (LinkState l : List.of(s.bridge(), s.bond())) {
            if (!l.present()) {
                why.add(l.name() + " does not exist");
            } else if (!l.up()) {
                why.add(l.name() + " is down");
            }
        }
        return Conditions.of(READY, false, "NotReady", String.join("; ", why));
    }

    private static Condition configured(ClusterNetworkReport r, Optional<Refusal> refused) {
        String kept = r.keptFrom().map(vc -> "; the uplink from VlanConfig " + vc + " stays as it was")
                .orElse("; nothing of it runs on this node");
        return switch (r.verdict()) {
            case APPLIED -> refused.map(x -> Conditions.of(CONFIGURED, false,
                    x.clashesWithFile() ? "ClashesWithConfigFile" : "Refused", x.reason()))
                    .orElse(Conditions.of(CONFIGURED, true, "Applied", ""));
            case INVALID -> Conditions.of(CONFIGURED, false, "InvalidVlanConfig", String.join("; ", r.problems()) + kept);
            case CONFLICT -> Conditions.of(CONFIGURED, false, "VlanConfigConflict", String.join("; ", r.problems()) + kept);
            case NIC_CONFLICT -> Conditions.of(CONFIGURED, false, "NicConflict", String.join("; ", r.problems()) + kept);
            case REMOVED -> throw new IllegalArgumentException("a removed network has no status");
        };
    }

    private static List<VlanStatus.LinkStatus> links(NetworkState s) {
        List<VlanStatus.LinkStatus> out = new ArrayList<>();
        out.add(link(s.bridge(), "bridge"));
        out.add(link(s.bond(), "bond"));
        s.nics().forEach(n -> out.add(link(n, "nic")));
        return out;
    }

    private static VlanStatus.LinkStatus link(LinkState l, String type) {
        return new VlanStatus.LinkStatus(l.name(), type, l.operState(), l.master().orElse(null));
    }

    private static List<VlanStatus.LocalArea> localAreas(Translation t, String cn) {
        List<Translation.LocalArea> areas = t.localAreas().getOrDefault(cn, List.of());
        Map<Integer, String> byVid = new TreeMap<>();
        for (Translation.LocalArea a : areas) {
            byVid.merge(a.vid(), a.cidr().orElse(""), (x, y) -> x.isEmpty() ? y : x);
        }
        List<VlanStatus.LocalArea> out = new ArrayList<>();
        byVid.forEach((vid, cidr) -> out.add(new VlanStatus.LocalArea(vid, cidr.isEmpty() ? null : cidr)));
        return out.isEmpty() ? null : out;
    }

    private static List<VlanStatus.VmNetworkStatus> vmNetworks(Translation t, String cn, List<Refusal> refusals,
                                                               Map<String, Connectivity> connectivity) {
        List<VlanStatus.VmNetworkStatus> out = new ArrayList<>();
        for (NadReport n : t.nads().stream().filter(n -> n.clusterNetwork().equals(cn))
                .sorted(Comparator.comparing(NadReport::nad)).toList()) {
            Optional<Refusal> refused = refusals.stream().filter(x -> x.network().equals(n.vmNetwork())).findFirst();
            String state = refused.isPresent() && n.state() == NadReport.State.READY ? "Refused" : word(n.state());
            String message = refused.isPresent() && n.state() == NadReport.State.READY ? refused.get().reason() : n.message();
            Connectivity c = connectivity.get(n.vmNetwork());
            out.add(new VlanStatus.VmNetworkStatus(n.nad(), n.vmNetwork(), n.type().isEmpty() ? null : n.type(),
                    n.vlans().isEmpty() ? null : n.vlans(), state, message.isEmpty() ? null : message,
                    c == null ? null : c.result().outcome().harvesterName(),
                    c == null || c.result().detail().isEmpty() ? null : c.result().detail(),
                    c == null ? null : c.changed().toString()));
        }
        return out.isEmpty() ? null : out;
    }

    private static String word(NadReport.State s) {
        return switch (s) {
            case READY -> "Ready";
            case INVALID -> "Invalid";
            case REFUSED -> "Refused";
        };
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
