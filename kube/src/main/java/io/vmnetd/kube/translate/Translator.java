package io.vmnetd.kube.translate;

import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.kube.crd.Harvester;
import io.vmnetd.kube.crd.NetworkAttachmentDefinition;
import io.vmnetd.kube.crd.VlanConfig;
import io.vmnetd.kube.translate.ClusterNetworkReport.Verdict;
import io.vmnetd.kube.translate.Running.RunningClusterNetwork;
import io.vmnetd.kube.translate.Running.RunningVmNetwork;
import io.vmnetd.netlink.VidSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the cluster's objects for one node (a pure function): which cluster networks run here, with which uplink,
 * and which VM networks on them. An object that is invalid, or two VlanConfigs that select the node for one cluster
 * network, change nothing: what ran before (from the last good translation) stays and the reason is reported. Only
 * a real removal (no VlanConfig selects the node any more, a definition deleted) takes a network away.
 */
public final class Translator {

    /**
     * The objects as the watches last saw them.
     *
     * @param nodeLabels this node's labels
     * @param clusterNetworks the names of the ClusterNetwork objects
     */
    public record Inputs(Map<String, String> nodeLabels, Set<String> clusterNetworks, List<VlanConfig> vlanConfigs,
                          List<NetworkAttachmentDefinition> nads) {}

    private Translator() {}

    public static Translation translate(Inputs in, Running previous) {
        Map<String, RunningClusterNetwork> running = new TreeMap<>();
        Map<String, ClusterNetworkReport> reports = new TreeMap<>();
        clusterNetworks(in, previous, running, reports);
        List<NadReport> nadReports = new ArrayList<>();
        Map<String, List<Translation.LocalArea>> localAreas = new TreeMap<>();
        Map<String, RunningVmNetwork> vms = vmNetworks(in, previous, running, nadReports, localAreas);
        return new Translation(new Running(running, vms), reports, nadReports, localAreas);
    }

    private static void clusterNetworks(Inputs in, Running previous, Map<String, RunningClusterNetwork> running,
                                        Map<String, ClusterNetworkReport> reports) {
        Map<String, List<VlanConfig>> selecting = new TreeMap<>();
        for (VlanConfig vc : in.vlanConfigs()) {
            if (VlanConfigs.selects(vc, in.nodeLabels())) {
                selecting.computeIfAbsent(VlanConfigs.clusterNetworkOf(vc), k -> new ArrayList<>()).add(vc);
            }
        }
        for (Map.Entry<String, List<VlanConfig>> e : selecting.entrySet()) {
            String cn = e.getKey();
            List<VlanConfig> vcs = e.getValue();
            vcs.sort(Comparator.comparing(vc -> vc.getMetadata().getName()));
            List<String> names = vcs.stream().map(vc -> vc.getMetadata().getName()).toList();
            Optional<RunningClusterNetwork> before = Optional.ofNullable(previous.clusterNetworks().get(cn));
            if (vcs.size() > 1) {
                keep(cn, before, running);
                reports.put(cn, new ClusterNetworkReport(cn, names, Verdict.CONFLICT, List.of("VlanConfigs "
                        + String.join(" and ", names) + " both select this node for cluster network " + cn
                        + "; remove this node from all but one (their nodeSelectors)"), List.of(),
                        before.map(RunningClusterNetwork::vlanConfig)));
                continue;
            }
            VlanConfig vc = vcs.get(0);
            String vcName = vc.getMetadata().getName();
            VlanConfigs.Mapped mapped = VlanConfigs.map(vc);
            List<String> problems = new ArrayList<>(mapped.problems());
            if (problems.isEmpty() && !in.clusterNetworks().contains(cn)) {
                problems.add("spec.clusterNetwork: there is no ClusterNetwork " + cn + "; known: "
                        + String.join(", ", in.clusterNetworks().stream().sorted().toList()));
            }
            if (!problems.isEmpty()) {
                keep(cn, before, running);
                reports.put(cn, new ClusterNetworkReport(cn, names, Verdict.INVALID,
                        problems.stream().map(p -> "VlanConfig " + vcName + ": " + p).toList(), mapped.unsupported(),
                        before.map(RunningClusterNetwork::vlanConfig)));
                continue;
            }
            running.put(cn, new RunningClusterNetwork(mapped.network().orElseThrow(), vcName));
            reports.put(cn, new ClusterNetworkReport(cn, names, Verdict.APPLIED, List.of(), mapped.unsupported(),
                    Optional.empty()));
        }
        refuseSharedNics(previous, running, reports);
        for (String cn : previous.clusterNetworks().keySet()) {
            if (!selecting.containsKey(cn)) {
                reports.put(cn, new ClusterNetworkReport(cn, List.of(), Verdict.REMOVED, List.of(), List.of(),
                        Optional.empty()));
            }
        }
    }

    /**
     * Two cluster networks of the cluster cannot share a NIC on one node: the one whose uplink changed to take the
     * NIC is refused and keeps what it had (if that does not clash either).
     */
    private static void refuseSharedNics(Running previous, Map<String, RunningClusterNetwork> running,
                                         Map<String, ClusterNetworkReport> reports) {
        List<String> order = new ArrayList<>(running.keySet());
        // Unchanged networks claim their NICs first.
        order.sort(Comparator.comparing((String cn) -> !running.get(cn).equals(previous.clusterNetworks().get(cn)))
                .thenComparing(cn -> cn));
        Map<String, String> owner = new TreeMap<>();
        for (String cn : order) {
            RunningClusterNetwork r = running.get(cn);
            Optional<String> taken = r.network().uplink().nics().stream().filter(owner::containsKey).findFirst();
            if (taken.isEmpty()) {
                r.network().uplink().nics().forEach(nic -> owner.put(nic, cn));
                continue;
            }
            running.remove(cn);
            Optional<RunningClusterNetwork> before = Optional.ofNullable(previous.clusterNetworks().get(cn))
                    .filter(b -> b.network().uplink().nics().stream().noneMatch(owner::containsKey));
            before.ifPresent(b -> {
                running.put(cn, b);
                b.network().uplink().nics().forEach(nic -> owner.put(nic, cn));
            });
            ClusterNetworkReport was = reports.get(cn);
            reports.put(cn, new ClusterNetworkReport(cn, was.vlanConfigs(), Verdict.NIC_CONFLICT,
                    List.of("VlanConfig " + r.vlanConfig() + ": spec.uplink.nics: NIC " + taken.get()
                            + " is already the uplink of cluster network " + owner.get(taken.get())
                            + " on this node; a NIC can serve one cluster network only"),
                    was.unsupported(), before.map(RunningClusterNetwork::vlanConfig)));
        }
    }

    private static void keep(String cn, Optional<RunningClusterNetwork> before,
                             Map<String, RunningClusterNetwork> running) {
        before.ifPresent(b -> running.put(cn, b));
    }

    private static Map<String, RunningVmNetwork> vmNetworks(Inputs in, Running previous,
                                                            Map<String, RunningClusterNetwork> running,
                                                            List<NadReport> reports,
                                                            Map<String, List<Translation.LocalArea>> localAreas) {
        List<NetworkAttachmentDefinition> nads = in.nads().stream().filter(Nads::isVlanNetwork)
                .sorted(Comparator.comparing(Nads::key)).toList();
        Map<String, String> names = VmNetworkNames.of(nads.stream().map(Nads::key).toList());
        Map<String, RunningVmNetwork> out = new TreeMap<>();
        for (NetworkAttachmentDefinition nad : nads) {
            String key = Nads.key(nad);
            String cn = Nads.label(nad, Harvester.CLUSTER_NETWORK_LABEL);
            boolean mgmt = cn.equals(Harvester.MGMT);
            if (!mgmt && !running.containsKey(cn)) {
                continue; // not on this node
            }
            Optional<ClusterNetwork> onto = mgmt ? Optional.empty() : Optional.of(running.get(cn).network());
            Nads.Mapped mapped = Nads.map(nad, names.get(key), onto);
            mapped.localArea().ifPresent(a -> localAreas.computeIfAbsent(cn, k -> new ArrayList<>()).add(a));
            if (mapped.network().isPresent()) {
                VmNetwork vm = mapped.network().get();
                out.put(key, new RunningVmNetwork(vm, key));
                reports.add(new NadReport(key, cn, vm.name(), mapped.type(), vlans(vm), NadReport.State.READY, ""));
                continue;
            }
            Optional<RunningVmNetwork> before = Optional.ofNullable(previous.vmNetworks().get(key))
                    .filter(b -> b.network().clusterNetwork().equals(cn));
            before.ifPresent(b -> out.put(key, b));
            reports.add(new NadReport(key, cn, names.get(key), mapped.type(),
                    before.map(b -> vlans(b.network())).orElse(""), NadReport.State.INVALID,
                    String.join("; ", mapped.problems()) + (before.isPresent()
                            ? " (its last valid definition still runs)" : "")));
        }
        return out;
    }

    private static String vlans(VmNetwork vm) {
        if (vm.vlan().isPresent()) {
            return Integer.toString(vm.vlan().getAsInt());
        }
        return vm.trunk().isEmpty() ? "" : VidSet.of(vm.trunk()).toString();
    }
}
