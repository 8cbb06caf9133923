package io.vmnetd.kube;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmnetd.daemon.config.BondSettings;
import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Route;
import io.vmnetd.daemon.config.Uplink;
import io.vmnetd.daemon.config.VmNetwork;
import io.vmnetd.daemon.config.VmNetworkType;
import io.vmnetd.daemon.state.AtomicFiles;
import io.vmnetd.kube.translate.Running;
import io.vmnetd.kube.translate.Running.RunningClusterNetwork;
import io.vmnetd.kube.translate.Running.RunningVmNetwork;
import io.vmnetd.netlink.BondMode;
import io.vmnetd.netlink.BondOptions;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.VidSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.logging.Logger;

/**
 * The networks the cluster last gave this node, in {@code stateDir/kubernetes.json}, replaced atomically and
 * durably whenever they change: with the API server unreachable at start the node builds them from here. A file
 * that cannot be read is moved aside ({@code kubernetes.json.corrupt-<time>}) and the node starts without it.
 */
final class LastGoodState {
    private static final Logger LOG = Logger.getLogger(LastGoodState.class.getName());
    static final String FILE = "kubernetes.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * @param bondOptions the bond's other options; absent (as in files written before vmnetd applied them): none
     * @param hardwareAddr "02:00:5e:10:00:01"; absent: the bond's own
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoredClusterNetwork(String name, int mtu, List<String> nics, String bondMode, int miimon,
                                Integer txQueueLen, StoredBondOptions bondOptions, String hardwareAddr,
                                String vlanConfig) {}

    /** {@link BondSettings}, each with the kernel's value name; absent: not written (the kernel's default). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoredBondOptions(String xmitHashPolicy, String lacpRate, String adSelect, Integer updelay,
                             Integer downdelay, String primary, Integer minLinks) {

        static StoredBondOptions of(BondSettings s) {
            return new StoredBondOptions(s.xmitHashPolicy().map(BondOptions.Named::kernelName).orElse(null),
                    s.lacpRate().map(BondOptions.Named::kernelName).orElse(null),
                    s.adSelect().map(BondOptions.Named::kernelName).orElse(null), boxed(s.updelay()),
                    boxed(s.downdelay()), s.primary().orElse(null), boxed(s.minLinks()));
        }

        BondSettings settings() {
            return new BondSettings(named(BondOptions.XmitHashPolicy.class, xmitHashPolicy),
                    named(BondOptions.LacpRate.class, lacpRate), named(BondOptions.AdSelect.class, adSelect),
                    unboxed(updelay), unboxed(downdelay), Optional.ofNullable(primary), unboxed(minLinks));
        }

        /** A name the kernel does not know makes the file unreadable (it is moved aside). */
        private static <E extends Enum<E> & BondOptions.Named> Optional<E> named(Class<E> type, String name) {
            if (name == null) {
                return Optional.empty();
            }
            return Optional.of(BondOptions.find(type, name).orElseThrow(() -> new IllegalArgumentException(
                    "unknown " + type.getSimpleName() + " \"" + name + "\"")));
        }
    }

    record StoredVmNetwork(String nad, String name, String clusterNetwork, String type, Integer vlan, List<String> trunk,
                           String routeMode, String cidr, String gateway) {}

    record Stored(String node, List<StoredClusterNetwork> clusterNetworks, List<StoredVmNetwork> vmNetworks) {}

    private final Path file;
    private final String node;

    LastGoodState(Path stateDir, String node) {
        this.file = stateDir.resolve(FILE);
        this.node = node;
    }

    Path file() {
        return file;
    }

    /** The stored networks, if any were stored for this node. */
    Running load() {
        if (!Files.exists(file)) {
            return Running.empty();
        }
        try {
            Stored s = JSON.readValue(file.toFile(), Stored.class);
            if (!node.equals(s.node())) {
                LOG.warning(file + " was written for node " + s.node() + ", not " + node + "; not used");
                return Running.empty();
            }
            Map<String, RunningClusterNetwork> cns = new LinkedHashMap<>();
            for (StoredClusterNetwork c : s.clusterNetworks()) {
                Uplink uplink = new Uplink(c.nics(), BondMode.ofKernelName(c.bondMode()), c.miimon(),
                        unboxed(c.txQueueLen()), c.bondOptions() == null ? BondSettings.NONE
                        : c.bondOptions().settings(), Optional.ofNullable(c.hardwareAddr()).map(MacAddress::parse));
                cns.put(c.name(), new RunningClusterNetwork(new ClusterNetwork(c.name(), c.mtu(), uplink),
                        c.vlanConfig()));
            }
            Map<String, RunningVmNetwork> vms = new LinkedHashMap<>();
            for (StoredVmNetwork v : s.vmNetworks()) {
                Optional<Route> route = v.routeMode() == null ? Optional.empty() : Optional.of(
                        "manual".equals(v.routeMode()) ? Route.manual(v.cidr(), v.gateway()) : Route.auto());
                vms.put(v.nad(), new RunningVmNetwork(new VmNetwork(v.name(), v.clusterNetwork(),
                        VmNetworkType.valueOf(v.type()), v.vlan() == null ? OptionalInt.empty() : OptionalInt.of(v.vlan()),
                        v.trunk() == null ? List.of() : v.trunk().stream().map(t -> VidSet.parse(t).ranges().get(0)).toList(),
                        route), v.nad()));
            }
            return new Running(cns, vms);
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(FILE + ".corrupt-" + Instant.now().getEpochSecond());
            LOG.warning("cannot read " + file + " (" + e.getMessage() + "); moved to " + aside
                    + ", starting without the cluster's last networks");
            try {
                Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException moveFailed) {
                LOG.warning("cannot move " + file + " aside: " + moveFailed.getMessage());
            }
            return Running.empty();
        }
    }

    void save(Running running) throws IOException {
        List<StoredClusterNetwork> cns = running.clusterNetworks().values().stream().map(r -> {
            ClusterNetwork c = r.network();
            BondSettings bond = c.uplink().bond();
            return new StoredClusterNetwork(c.name(), c.mtu(), c.uplink().nics(), c.uplink().mode().kernelName(),
                    c.uplink().miimon(), boxed(c.uplink().txQueueLen()),
                    bond.equals(BondSettings.NONE) ? null : StoredBondOptions.of(bond),
                    c.uplink().hardwareAddr().map(MacAddress::toString).orElse(null), r.vlanConfig());
        }).sorted(java.util.Comparator.comparing(StoredClusterNetwork::name)).toList();
        List<StoredVmNetwork> vms = running.vmNetworks().values().stream().map(r -> {
            VmNetwork v = r.network();
            // In the declared order, so that what is read back equals what was written.
            List<String> trunk = v.trunk().isEmpty() ? null : v.trunk().stream().map(Object::toString).toList();
            return new StoredVmNetwork(r.nad(), v.name(), v.clusterNetwork(), v.type().name(),
                    v.vlan().isPresent() ? v.vlan().getAsInt() : null, trunk,
                    v.route().map(route -> route.mode().configName()).orElse(null), v.route().flatMap(Route::cidr).orElse(null),
                    v.route().flatMap(Route::gateway).orElse(null));
        }).sorted(java.util.Comparator.comparing(StoredVmNetwork::nad)).toList();
        AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Stored(node, cns, vms)));
    }

    private static Integer boxed(OptionalInt value) {
        return value.isPresent() ? value.getAsInt() : null;
    }

    private static OptionalInt unboxed(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }
}
