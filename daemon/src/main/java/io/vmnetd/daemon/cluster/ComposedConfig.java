package io.vmnetd.daemon.cluster;

import io.vmnetd.daemon.cluster.SourcedNetworks.Sourced;
import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConfigException;
import io.vmnetd.daemon.config.ConfigProblem;
import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.daemon.reconcile.Reconciler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The config file's networks plus a {@link NetworkSource}'s. A network both declare identically is one network; one
 * they declare differently is a clash. A clash is refused on the side that came second: a file that would clash
 * with what the source runs is refused by {@link #check} with an error naming the network and field, and a
 * source's network that clashes with the file is not run and reported as a {@link Refusal}. So the same inputs
 * always give the same config, whatever their order, and nothing that runs is taken down by a clash.
 */
public final class ComposedConfig implements ConfigComposer {

    /** The config to run and the source's networks left out of it. */
    public record Composition(Config config, List<Refusal> refusals) {
        public Composition {
            refusals = List.copyOf(refusals);
        }
    }

    private final Reconciler reconciler;
    private Config file;
    private SourcedNetworks sourced = SourcedNetworks.empty();
    private List<Refusal> refusals = List.of();

    public ComposedConfig(Reconciler reconciler, Config file) {
        this.reconciler = reconciler;
        this.file = file;
    }

    @Override
    public synchronized Config check(Config candidate) throws ConfigException {
        Composition c = compose(candidate, sourced);
        List<ConfigProblem> clashes = new ArrayList<>();
        for (Refusal r : c.refusals()) {
            if (r.clashesWithFile()) {
                clashes.add(new ConfigProblem("config", 0, 0, fileField(candidate, r.network()), r.reason()));
            }
        }
        if (!clashes.isEmpty()) {
            throw new ConfigException("config (against the networks of the cluster)", clashes);
        }
        return c.config();
    }

    @Override
    public synchronized void apply(Config candidate) {
        file = candidate;
        install();
    }

    /** Takes the source's networks; the caller reconciles. */
    public synchronized void applySourced(SourcedNetworks networks) {
        sourced = networks;
        install();
    }

    public synchronized List<Refusal> refusals() {
        return refusals;
    }

    private void install() {
        Composition c = compose(file, sourced);
        refusals = c.refusals();
        reconciler.setConfig(c.config());
    }

    /** The file's networks, then each of the source's that neither clashes with them nor needs what is refused. */
    public static Composition compose(Config file, SourcedNetworks sourced) {
        List<Refusal> refused = new ArrayList<>();
        Map<String, ClusterNetwork> clusterNetworks = new LinkedHashMap<>();
        file.clusterNetworks().forEach(cn -> clusterNetworks.put(cn.name(), cn));
        for (Sourced<ClusterNetwork> s : sourced.clusterNetworks()) {
            Optional<Refusal> r = clusterNetworkRefusal(s, file, clusterNetworks);
            if (r.isPresent()) {
                refused.add(r.get());
            } else {
                clusterNetworks.putIfAbsent(s.network().name(), s.network());
            }
        }
        Map<String, VmNetwork> vmNetworks = new LinkedHashMap<>();
        file.vmNetworks().forEach(vm -> vmNetworks.put(vm.name(), vm));
        for (Sourced<VmNetwork> s : sourced.vmNetworks()) {
            Optional<Refusal> r = vmNetworkRefusal(s, file, clusterNetworks.keySet());
            if (r.isPresent()) {
                refused.add(r.get());
            } else {
                vmNetworks.putIfAbsent(s.network().name(), s.network());
            }
        }
        return new Composition(file.withNetworks(List.copyOf(clusterNetworks.values()),
                List.copyOf(vmNetworks.values())), refused);
    }

    private static Optional<Refusal> clusterNetworkRefusal(Sourced<ClusterNetwork> s, Config file,
                                                           Map<String, ClusterNetwork> accepted) {
        ClusterNetwork cn = s.network();
        Optional<ClusterNetwork> declared = file.clusterNetwork(cn.name());
        if (declared.isPresent()) {
            return declared.get().equals(cn) ? Optional.empty() : Optional.of(new Refusal(cn.name(), s.origin(), true,
                    "cluster network " + cn.name() + " is declared by the config file and by " + s.origin()
                            + " differently: " + NetworkDifferences.of(declared.get(), cn)));
        }
        for (ClusterNetwork other : accepted.values()) {
            for (String nic : cn.uplink().nics()) {
                if (other.uplink().nics().contains(nic)) {
                    boolean inFile = file.clusterNetwork(other.name()).isPresent();
                    return Optional.of(new Refusal(cn.name(), s.origin(), inFile, "uplink.nics: NIC " + nic
                            + " of cluster network " + cn.name() + " (" + s.origin() + ") is already an uplink of "
                            + "cluster network " + other.name() + (inFile ? " in the config file" : "")
                            + "; a NIC can serve one cluster network only"));
                }
                if (nic.equals(other.bridgeName()) || nic.equals(other.bondName())) {
                    return Optional.of(new Refusal(cn.name(), s.origin(), false, "uplink.nics: " + nic
                            + " is a link of cluster network " + other.name() + ", not a NIC"));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Refusal> vmNetworkRefusal(Sourced<VmNetwork> s, Config file, java.util.Set<String> running) {
        VmNetwork vm = s.network();
        Optional<VmNetwork> declared = file.vmNetwork(vm.name());
        if (declared.isPresent()) {
            return declared.get().equals(vm) ? Optional.empty() : Optional.of(new Refusal(vm.name(), s.origin(), true,
                    "VM network " + vm.name() + " is declared by the config file and by " + s.origin()
                            + " differently: " + NetworkDifferences.of(declared.get(), vm)));
        }
        if (!vm.clusterNetwork().equals(ClusterNetwork.MGMT) && !running.contains(vm.clusterNetwork())) {
            return Optional.of(new Refusal(vm.name(), s.origin(), false, "clusterNetwork: " + vm.clusterNetwork()
                    + " does not run on this node (it has no uplink here, or it was refused)"));
        }
        return Optional.empty();
    }

    /** Where {@code network} is declared in {@code file}, e.g. {@code clusterNetworks[1]}. */
    private static String fileField(Config file, String network) {
        for (int i = 0; i < file.clusterNetworks().size(); i++) {
            if (file.clusterNetworks().get(i).name().equals(network)) {
                return "clusterNetworks[" + i + "]";
            }
        }
        for (int i = 0; i < file.vmNetworks().size(); i++) {
            if (file.vmNetworks().get(i).name().equals(network)) {
                return "vmNetworks[" + i + "]";
            }
        }
        return "clusterNetworks";
    }
}
