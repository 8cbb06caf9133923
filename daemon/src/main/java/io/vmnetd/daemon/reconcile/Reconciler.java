package io.vmnetd.daemon.reconcile;

import io.vmnetd.daemon.config.ClusterNetwork;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.log.LogFields;
import io.vmnetd.daemon.model.DesiredNetwork;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.daemon.model.DesiredState;
import io.vmnetd.daemon.model.LeaseState;
import io.vmnetd.daemon.model.LivePorts;
import io.vmnetd.daemon.model.NetworkPort;
import io.vmnetd.netlink.LinkEvent;
import io.vmnetd.daemon.state.NetworkRegistry;
import io.vmnetd.daemon.state.NetworkRegistry.HostInterface;
import io.vmnetd.daemon.state.NetworkRegistry.ManagedNetwork;
import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.PortVlans;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.VidSet;
import io.vmnetd.netlink.nl.NetlinkException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Brings the kernel to the desired state, one cluster network at a time and holding that network alone (see
 * {@link NetworkLocks}): CNI operations on its ports and reconciles of single ports never interleave with it.
 * Each network is read, planned and the difference applied; a network already right costs one dump, a few reads
 * by name and no change. Thread-safe.
 */
public final class Reconciler {
    private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());

    private final RtNetlink host;
    private final StepContext context;
    private final NetworkRegistry registry;
    private final DesiredViews wanted;
    private final ReconcileObserver observer;
    private final NetworkLocks locks = new NetworkLocks();
    private volatile Config config;
    private volatile ReconcileRun lastRun;
    private final Map<String, List<String>> problemsByNetwork = new ConcurrentHashMap<>();
    private final VmPorts ports;
    /** The node's links as the last whole read showed them, kept current by link events. */
    private final NodeLinks nodeLinks = new NodeLinks();
    /** Where the DHCP leases of host networks stand, by host network name; replaced whole on each change. */
    private volatile Map<String, LeaseState> leases = Map.of();
    private volatile java.util.function.Consumer<Config> configObserver = c -> { };

    /** With live ports from a list asked for on every use (vmnetd --check, tests). */
    public Reconciler(RtNetlink host, StepContext context, NetworkRegistry registry, Config config,
                      Supplier<List<NetworkPort>> livePorts, ReconcileObserver observer) {
        this(host, context, registry, config, LivePorts.listed(livePorts), observer);
    }

    /**
     * @param livePorts with a version, the desired state is built once per change instead of on every call; a
     *     single port (what its link events and CNI calls need) is looked up by name, never found among all
     */
    public Reconciler(RtNetlink host, StepContext context, NetworkRegistry registry, Config config,
                      LivePorts livePorts, ReconcileObserver observer) {
        this.host = host;
        this.context = context;
        this.registry = registry;
        this.config = config;
        this.wanted = new DesiredViews(livePorts, () -> this.config, () -> this.leases);
        this.observer = observer;
        this.ports = new VmPorts(host, context, locks, this::networkFor);
    }

    public Config config() {
        return config;
    }

    public void setConfig(Config newConfig) {
        // Told first, while the kernel is still as the old config made it (a DHCP lease is released on its link).
        configObserver.accept(newConfig);
        this.config = newConfig;
    }

    /** Told of every new config before it is applied. */
    public void observeConfig(java.util.function.Consumer<Config> observer) {
        this.configObserver = observer;
    }

    /** The DHCP leases of host networks, by name, that the desired state addresses their interfaces with. */
    public Map<String, LeaseState> leases() {
        return leases;
    }

    public void setLeases(Map<String, LeaseState> now) {
        this.leases = Map.copyOf(now);
    }

    /** Everything the node should look like, all live ports included: what a whole network is reconciled against. */
    public DesiredState desired() {
        return wanted.desired();
    }

    /**
     * The VIDs a cluster network's uplink carries for the configured VM networks alone, whatever ports there are;
     * empty when the config alone does not make the network (mgmt without VM networks).
     */
    public Optional<VidSet> configuredUplinkVids(String network) {
        return wanted.configured().network(network).map(DesiredNetwork::uplinkVids);
    }

    /** See {@link DesiredViews#livePort}: one live VM port, alone in its network, looked up by its host end. */
    public Optional<DesiredNetwork> livePort(String hostIfName) {
        return wanted.livePort(hostIfName);
    }

    /** See {@link DesiredViews#networkOwning}: the network whose bridge, bond, NIC or host interface it is. */
    public Optional<DesiredNetwork> networkOwning(String linkName) {
        return wanted.networkOwning(linkName);
    }

    public ReconcileRun lastRun() {
        return lastRun;
    }

    /** Problems that keep networks from their desired state, by network, as of each one's last reconcile. */
    public Map<String, List<String>> problems() {
        return Map.copyOf(problemsByNetwork);
    }

    /** Reconciles every network, and takes down the cluster networks vmnetd made that the config dropped. */
    public ReconcileRun reconcileAll(Reason reason) {
        return run(reason, Scope.ALL);
    }

    /** Reconciles one network (mgmt included). */
    public ReconcileRun reconcile(String network, Reason reason) {
        return run(reason, Scope.network(network));
    }

    /** Reconciles what {@code scope} covers. */
    public ReconcileRun reconcile(Scope scope, Reason reason) {
        return run(reason, scope);
    }

    /**
     * Reconciles only the named VM ports of one network (those it still has), reading just the bridge and them:
     * a link event on a port, which every CNI call causes a few of, costs a few small requests, not two dumps of
     * the node.
     */
    public ReconcileRun reconcilePorts(String network, Set<String> hostIfNames, Reason reason) {
        return reconcilePorts(network, hostIfNames, reason, UnaryOperator.identity());
    }

    /**
     * As above, for the ports that {@code stillNeeded} keeps once their locks are held: a CNI call that held
     * one meanwhile may have finished the very port an event of its own asked about, and then nothing is read.
     */
    public ReconcileRun reconcilePorts(String network, Set<String> hostIfNames, Reason reason,
                                       UnaryOperator<Set<String>> stillNeeded) {
        long start = System.nanoTime();
        List<String> applied = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try (NetworkLocks.Held held = locks.ports(network, hostIfNames)) {
            DesiredNetwork n = wanted.portsAlone(network, stillNeeded.apply(hostIfNames)).orElse(null);
            if (n == null || n.ports().isEmpty()) {
                // As planned by now, or gone from the journal (a DEL's own events): nothing to read or count.
                return new ReconcileRun(Instant.now(), reason, 0, List.of(), List.of(), List.of());
            }
            KernelView view = ports.view(n);
            Plan plan = Planner.planPorts(n, view);
            problems.addAll(plan.describe().subList(plan.steps().size(), plan.describe().size()));
            StepContext applying = new Applying(context, view);
            for (Step step : plan.steps()) {
                apply(n, step, reason, applied, applying);
            }
        } catch (NetlinkException | IllegalArgumentException e) {
            fail(network, e, errors);
        }
        return finish(start, reason, applied, problems, errors);
    }

    /** Single VM ports made, addressed, checked and removed under their own locks: what CNI calls need. */
    public VmPorts ports() {
        return ports;
    }

    /** The name of the link with {@code index} now, if there is one. */
    public Optional<String> linkName(int index) {
        return host.links().find(index).map(Link::name);
    }

    /** The bridge of cluster network {@code name}. */
    public String bridgeOf(String name) {
        return ClusterNetwork.bridgeName(name);
    }

    /** The network {@code name} as a port on it is planned (without its other ports), mgmt even unused. */
    private DesiredNetwork networkFor(String name) {
        return wanted.portNetwork(name)
                .orElseThrow(() -> new IllegalStateException("cluster network " + name + " is not configured"));
    }

    /**
     * The number of links in the node's namespace as the last whole read showed them and link events since, for
     * the metric: a scrape then costs no netlink dump, and the requests vmnetd sends are only those its work needs.
     */
    public int linksLastRead() {
        return nodeLinks.count();
    }

    /**
     * Link events of the node's namespace now reach {@link #linkSeen}: the links are counted once more (what the
     * startup reconcile made came before), and from here on kept by them.
     */
    public void linksWatched() {
        nodeLinks.read(host.links().list());
    }

    /** A link event of the node's namespace, which keeps {@link #linksLastRead} current. */
    public void linkSeen(LinkEvent event) {
        nodeLinks.seen(event);
    }

    private KernelView readKernel() {
        KernelView view = KernelView.read(host);
        nodeLinks.read(view.links());
        return view;
    }

    /** The plan for {@code candidate} against the kernel as it is now; nothing is applied. */
    public List<String> dryRun(Config candidate) {
        DesiredState want = wanted.desired(candidate);
        KernelView view = readKernel();
        List<String> lines = new ArrayList<>();
        for (DesiredNetwork n : want.networks().values()) {
            List<HostInterface> made = registry.hostInterfacesOf(n.name());
            KernelView v = HostInterfaceBook.needsAddressing(n, made)
                    ? view.withAddressing(KernelView.Addressing.read(host)) : view;
            lines.addAll(Planner.plan(n, v, registry.mgmtVids(), made).describe());
        }
        if (mgmtToRelease(want, Scope.ALL)) {
            List<HostInterface> made = registry.hostInterfacesOf(ClusterNetwork.MGMT);
            KernelView v = made.isEmpty() ? view : view.withAddressing(KernelView.Addressing.read(host));
            lines.addAll(Planner.plan(DesiredState.unusedMgmt(), v, registry.mgmtVids(), made).describe());
        }
        for (Map.Entry<String, ManagedNetwork> m : registry.managed().entrySet()) {
            if (candidate.clusterNetwork(m.getKey()).isEmpty()) {
                lines.addAll(teardownPlan(m.getKey(), m.getValue(), view).describe());
            }
        }
        return lines;
    }

    private ReconcileRun run(Reason reason, Scope scope) {
        long start = System.nanoTime();
        List<String> applied = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        DesiredState want = desired();
        for (String name : want.networks().keySet()) {
            if (scope.covers(name)) {
                reconcileNetwork(name, () -> Optional.ofNullable(desired().networks().get(name)), reason, applied,
                        problems, errors);
            }
        }
        if (mgmtToRelease(want, scope)) {
            reconcileNetwork(ClusterNetwork.MGMT, () -> Optional.of(DesiredState.unusedMgmt()), reason, applied,
                    problems, errors);
        }
        if (scope instanceof Scope.All) {
            for (Map.Entry<String, ManagedNetwork> m : registry.managed().entrySet()) {
                if (!want.networks().containsKey(m.getKey())) {
                    takeDown(m.getKey(), m.getValue(), applied, errors);
                }
            }
        }
        return finish(start, reason, applied, problems, errors);
    }

    private ReconcileRun finish(long start, Reason reason, List<String> applied, List<String> problems,
                                List<String> errors) {
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        ReconcileRun run = new ReconcileRun(Instant.now(), reason, took.toMillis(), applied, problems, errors);
        lastRun = run;
        observer.reconciled(run.succeeded(), took);
        return run;
    }

    private void apply(DesiredNetwork n, Step step, Reason reason, List<String> applied, StepContext applying) {
        step.apply(applying);
        applied.add(n.name() + ": " + step.describe());
        LogFields fields = LogFields.of(LogFields.NETWORK, n.name());
        if (reason.repairsDrift()) {
            observer.repaired(step.kind());
            fields.with(LogFields.DRIFT, step.kind()).log(LOG, Level.INFO,
                    "repaired drift on " + n.name() + " (" + step.kind() + "): " + step.describe());
        } else {
            fields.log(LOG, Level.INFO, n.name() + ": " + step.describe());
        }
    }

    private void fail(String network, RuntimeException e, List<String> errors) {
        String message = network + ": " + e.getMessage();
        errors.add(message);
        observer.failed(message);
        LogFields.of(LogFields.NETWORK, network).log(LOG, Level.WARNING, "reconcile failed: " + message);
    }

    /**
     * Nothing uses mgmt any more, but its uplink still carries VIDs vmnetd added, or vmnetd made host interfaces on
     * it: they are to be removed.
     */
    private boolean mgmtToRelease(DesiredState want, Scope scope) {
        return scope.covers(ClusterNetwork.MGMT)
                && !want.networks().containsKey(ClusterNetwork.MGMT)
                && (!registry.mgmtVids().isEmpty() || !registry.hostInterfacesOf(ClusterNetwork.MGMT).isEmpty());
    }

    /**
     * Reconciles network {@code name} as {@code wanted} describes it once its lock is held: what it wants is read
     * under the lock, never before it, since a CNI DEL may have taken a port away (journal, then link) meanwhile,
     * and a port planned from before that would be made again, orphaned, with its pod's interface name taken.
     */
    private void reconcileNetwork(String name, Supplier<Optional<DesiredNetwork>> wanted, Reason reason,
                                  List<String> applied, List<String> problems, List<String> errors) {
        try (NetworkLocks.Held held = locks.network(name)) {
            Optional<DesiredNetwork> now = wanted.get();
            if (now.isEmpty()) {
                return; // no longer wanted (its last port gone): what took it away reconciles it
            }
            DesiredNetwork n = now.get();
            VidSet owned = registry.mgmtVids();
            List<HostInterface> madeHostInterfaces = registry.hostInterfacesOf(n.name());
            KernelView view = VmPorts.withGoneNamespaces(read(n, madeHostInterfaces), n);
            view.link(n.bridge()).ifPresent(ports::remember);
            Plan plan = Planner.plan(n, view, owned, madeHostInterfaces);
            StepContext applying = new Applying(context, view);
            problemsByNetwork.put(n.name(), plan.problems());
            problems.addAll(plan.describe().subList(plan.steps().size(), plan.describe().size()));
            if (n.managed()) {
                registry.recordManaged(n.name(), new ManagedNetwork(n.bridge(), n.uplink(), n.nics()));
            }
            HostInterfaceBook.recordBefore(registry, n, view, plan, madeHostInterfaces);
            for (Step step : plan.steps()) {
                apply(n, step, reason, applied, applying);
                if (!n.managed() && step instanceof Steps.SetPortVlans v && v.port().equals(n.uplink())) {
                    owned = owned.union(addedVids(v)).minus(VidSet.of(v.diff().delete()));
                    registry.setMgmtVids(owned);
                }
            }
            if (!n.managed() && n.uplinkVids().isEmpty() && plan.problems().isEmpty()) {
                registry.setMgmtVids(VidSet.empty()); // all given back (a VID made the PVID meanwhile is not ours)
            }
            HostInterfaceBook.forgetAfter(registry, n, madeHostInterfaces);
        } catch (NetlinkException | IllegalArgumentException e) {
            fail(name, e, errors);
        }
    }

    /**
     * What the plan of {@code n} reads: its bridge, uplink, NICs and every bridge port with their VLANs, in one
     * dump ({@link KernelView#readNetwork}). The whole node (two dumps) with the node's addresses and routes when
     * host interfaces are, or were, there, and when the link count has to be taken again.
     */
    private KernelView read(DesiredNetwork n, List<HostInterface> made) {
        if (HostInterfaceBook.needsAddressing(n, made)) {
            return readKernel().withAddressing(KernelView.Addressing.read(host));
        }
        return nodeLinks.known() ? KernelView.readNetwork(host, n) : readKernel();
    }

    private static VidSet addedVids(Steps.SetPortVlans v) {
        List<io.vmnetd.netlink.VidRange> ranges = new ArrayList<>();
        for (BridgeVlan b : v.diff().add()) {
            ranges.add(b.vids());
        }
        return VidSet.of(ranges);
    }

    private void takeDown(String name, ManagedNetwork m, List<String> applied, List<String> errors) {
        if (name.equals(ClusterNetwork.MGMT)) {
            return;
        }
        try (NetworkLocks.Held held = locks.network(name)) {
            KernelView view = readKernel();
            StepContext applying = new Applying(context, view);
            for (Step step : teardownPlan(name, m, view).steps()) {
                step.apply(applying);
                applied.add(name + ": " + step.describe());
                LOG.info(name + ": " + step.describe());
            }
            registry.forget(name);
            // Its bridge is gone, and with it the VLAN links on it.
            registry.hostInterfacesOf(name).forEach(h -> registry.forgetHostInterface(h.ifName()));
            problemsByNetwork.remove(name);
        } catch (NetlinkException e) {
            errors.add(name + ": " + e.getMessage());
            LOG.warning("taking down " + name + " failed: " + e.getMessage());
        }
    }

    private static Plan teardownPlan(String name, ManagedNetwork m, KernelView view) {
        return Planner.teardown(name, m.bridge(), m.bond(), m.nics(), view);
    }
}
