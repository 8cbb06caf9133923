package io.vmnetd.daemon.testing;

import io.vmnetd.netlink.testing.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.vmnetd.netlink.testing.TestNetns;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A node's wiring for a lab test, in the lab VM's root network namespace (the "node"): NICs are veth pairs whose
 * node ends carry the names the test asks for (eth1, eth2...) and whose far ends are ports of a VLAN-filtering
 * bridge "sw" inside a separate "switch" namespace.
 *
 * <p>{@link #close()} deletes every link of the root namespace that was not there when the topology was created
 * (the NICs, and whatever the daemon or the test made: data-br, data-bo, mgmt-br, VM ports...) and the switch
 * namespace. Stop an in-process daemon <em>before</em> closing, or it repairs what is being deleted.
 */
public final class LabTopology implements AutoCloseable {
    /** The switch namespace's bridge, which every NIC's far end is a port of. */
    public static final String SWITCH_BRIDGE = "sw";

    private final TestNetns switchNs;
    private final Set<String> preexisting;
    private final List<String> nics = new ArrayList<>();

    private LabTopology(TestNetns switchNs, Set<String> preexisting) {
        this.switchNs = switchNs;
        this.preexisting = preexisting;
    }

    /** An empty topology: the switch namespace and its bridge, no NICs yet. */
    public static LabTopology create() {
        Set<String> before = new LinkedHashSet<>(KernelState.host().linkNames());
        TestNetns sw = TestNetns.create();
        try {
            sw.ip("link", "add", SWITCH_BRIDGE, "type", "bridge", "vlan_filtering", "1");
            sw.ip("link", "set", SWITCH_BRIDGE, "mtu", "9000", "up");
        } catch (RuntimeException | Error e) {
            sw.close();
            throw e;
        }
        return new LabTopology(sw, before);
    }

    /** An empty topology plus one NIC per name (made with one batch per namespace: process starts are slow in TCG). */
    public static LabTopology withNics(String... names) {
        LabTopology t = create();
        try {
            t.addNics(names);
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
        return t;
    }

    /**
     * Adds a NIC named {@code name} in the root namespace (up, MTU 1500, no master) whose peer is a port of the
     * switch bridge (MTU 9000, so any node MTU passes). Returns {@code name}.
     */
    public String addNic(String name) {
        addNics(name);
        return name;
    }

    /** {@link #addNic} for each name, in two {@code ip -batch} runs. */
    public void addNics(String... names) {
        List<String> root = new ArrayList<>();
        List<String> far = new ArrayList<>();
        for (String name : names) {
            String peer = switchPortOf(name);
            root.add("link add " + name + " type veth peer name " + peer + " netns " + switchNs.name());
            root.add("link set " + name + " up");
            far.add("link set " + peer + " mtu 9000");
            far.add("link set " + peer + " master " + SWITCH_BRIDGE + " up");
        }
        ipBatch(null, root, false);
        nics.addAll(List.of(names));
        ipBatch(switchNs.name(), far, false);
    }

    /**
     * Builds the management network as a node installer leaves it, before any daemon runs: bond {@code mgmt-bo}
     * (active-backup, miimon 100) over {@code nics}, a port of bridge {@code mgmt-br} (vlan_filtering 1), all up.
     * The NICs must have been added.
     */
    public void createMgmt(String... nicNames) {
        List<String> c = new ArrayList<>();
        c.add("link add mgmt-br type bridge vlan_filtering 1");
        c.add("link add mgmt-bo type bond mode active-backup miimon 100");
        for (String nic : nicNames) {
            c.add("link set " + nic + " down");
            c.add("link set " + nic + " master mgmt-bo");
            c.add("link set " + nic + " up");
        }
        c.add("link set mgmt-bo master mgmt-br");
        c.add("link set mgmt-bo up");
        c.add("link set mgmt-br up");
        ipBatch(null, c, false);
    }

    /**
     * Runs iproute2 {@code ip} commands (without the leading "ip") in one process with {@code -batch}, in the root
     * namespace or in {@code netns}; with {@code force}, going on past failures ({@code -force}) and not failing.
     */
    public static void ipBatch(String netns, List<String> commands, boolean force) {
        if (commands.isEmpty()) {
            return;
        }
        try {
            Path file = Files.createTempFile("ip-batch-", ".txt");
            try {
                Files.write(file, commands);
                List<String> c = new ArrayList<>(List.of("ip"));
                if (netns != null) {
                    c.addAll(List.of("-n", netns));
                }
                if (force) {
                    c.add("-force");
                }
                c.addAll(List.of("-batch", file.toString()));
                Shell.Result r = Shell.run(c);
                if (r.exitCode() != 0 && !force) {
                    throw new AssertionError("ip -batch failed (" + r.exitCode() + "): " + r.stderr().strip()
                            + "\n" + String.join("\n", commands));
                }
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The switch namespace, e.g. to tag its ports or to read it. */
    public TestNetns switchNs() {
        return switchNs;
    }

    /** The switch-side end of {@code nic} (a port of {@link #SWITCH_BRIDGE} in {@link #switchNs()}). */
    public static String switchPortOf(String nic) {
        String name = "sw-" + nic;
        return name.length() <= 15 ? name : name.substring(0, 15);
    }

    /** The NICs added so far, in order. */
    public List<String> nics() {
        return List.copyOf(nics);
    }

    /**
     * Deletes every root-namespace link that did not exist at {@link #create()}, bridges and bonds first (so that
     * their ports fall free), then the switch namespace. Safe to call twice.
     */
    @Override
    public void close() {
        try {
            deleteNewLinks();
        } finally {
            switchNs.close();
        }
    }

    /**
     * Closes {@code first} in order (nulls skipped; a daemon before the links it manages), then this topology, even
     * when one of them fails; the first failure is thrown.
     */
    public void closeAfter(AutoCloseable... first) {
        RuntimeException failure = null;
        for (AutoCloseable c : first) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                failure = failure != null ? failure : e instanceof RuntimeException re ? re : new IllegalStateException(e);
            }
        }
        close();
        if (failure != null) {
            throw failure;
        }
    }

    private void deleteNewLinks() {
        KernelState kernel = KernelState.host().snapshot();
        List<String> fresh = new ArrayList<>(kernel.linkNames());
        fresh.removeAll(preexisting);
        // Masters first: a bond's or bridge's removal releases its ports, which are then plain links.
        fresh.sort((a, b) -> Boolean.compare(!isMaster(kernel, a), !isMaster(kernel, b)));
        // -force: a veth peer may already be gone with its partner.
        ipBatch(null, fresh.stream().map(name -> "link del " + name).toList(), true);
        List<String> left = new ArrayList<>(KernelState.host().linkNames());
        left.removeAll(preexisting);
        if (!left.isEmpty()) {
            throw new IllegalStateException("lab teardown left links behind: " + left);
        }
    }

    private static boolean isMaster(KernelState kernel, String name) {
        String kind = kernel.kind(name).orElse("");
        return kind.equals("bridge") || kind.equals("bond");
    }
}
