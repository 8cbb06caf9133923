package io.vmnetd.kube.lab;

import io.vmnetd.daemon.testing.DaemonUnderTest;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.kube.testing.MockApiServer;
import io.vmnetd.netlink.testing.TestNetns;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small cluster in the kernel lab: each node is a network namespace with its own NICs (eth1, eth2: veth pairs whose
 * far ends are ports of one VLAN-filtering switch bridge in a switch namespace) and its own vmnetd process, started
 * with a kubernetes section; the mock API server runs in the test JVM, in the lab's root namespace, on a bridge
 * ({@value #API_BRIDGE}, {@value #API_ADDRESS}) that every node reaches over its own veth ({@code api0}).
 */
final class ClusterLab implements AutoCloseable {
    static final String API_BRIDGE = "kapi";
    static final String API_ADDRESS = "10.77.0.254";
    static final String SWITCH_BRIDGE = "sw";

    /** One node: its namespace and its daemon. */
    record Node(String name, TestNetns ns, DaemonUnderTest daemon) {
        KernelState kernel() {
            return KernelState.in(ns.name()).snapshot();
        }
    }

    private final TestNetns switchNs;
    private final List<Node> nodes = new ArrayList<>();
    private MockApiServer api;

    private ClusterLab(TestNetns switchNs) {
        this.switchNs = switchNs;
    }

    /**
     * The wiring and the API server for {@code names}; the daemons are made (not started) with the module's jar at
     * {@code kubeJar}.
     */
    static ClusterLab create(Path kubeJar, String... names) throws IOException {
        ClusterLab lab = new ClusterLab(TestNetns.create());
        try {
            lab.switchNs.ip("link", "add", SWITCH_BRIDGE, "type", "bridge", "vlan_filtering", "1");
            lab.switchNs.ip("link", "set", SWITCH_BRIDGE, "mtu", "9000", "up");
            LabTopology.ipBatch(null, List.of("link add " + API_BRIDGE + " type bridge",
                    "addr add " + API_ADDRESS + "/24 dev " + API_BRIDGE, "link set " + API_BRIDGE + " up"), false);
            lab.api = new MockApiServer(InetAddress.getByName(API_ADDRESS), 0).start();
            for (int i = 0; i < names.length; i++) {
                lab.nodes.add(lab.node(names[i], i + 1, kubeJar));
            }
            return lab;
        } catch (RuntimeException | Error | IOException e) {
            lab.close();
            throw e;
        }
    }

    private Node node(String name, int number, Path kubeJar) throws IOException {
        TestNetns ns = TestNetns.create();
        String apiPeer = "ka-" + name;
        LabTopology.ipBatch(null, List.of("link add " + apiPeer + " type veth peer name api0 netns " + ns.name(),
                "link set " + apiPeer + " master " + API_BRIDGE + " up"), false);
        List<String> inNode = new ArrayList<>(List.of("addr add 10.77.0." + number + "/24 dev api0", "link set api0 up"));
        List<String> inSwitch = new ArrayList<>();
        for (String nic : List.of("eth1", "eth2")) {
            String port = "s" + number + "-" + nic;
            inNode.add("link add " + nic + " type veth peer name " + port + " netns " + switchNs.name());
            inNode.add("link set " + nic + " up");
            inSwitch.add("link set " + port + " mtu 9000");
            inSwitch.add("link set " + port + " master " + SWITCH_BRIDGE + " up");
        }
        LabTopology.ipBatch(ns.name(), inNode, false);
        LabTopology.ipBatch(switchNs.name(), inSwitch, false);
        DaemonUnderTest daemon = DaemonUnderTest.create("").inNetns(ns.name())
                .jvmArg("-Dvmnetd.kube.jar=" + kubeJar.toAbsolutePath());
        Path kubeconfig = api.writeKubeconfig(daemon.dir().resolve("kubeconfig"));
        daemon.setting("kubernetes: {nodeName: " + name + ", kubeconfig: " + kubeconfig + ", resyncSeconds: 30}");
        return new Node(name, ns, daemon);
    }

    MockApiServer api() {
        return api;
    }

    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    Node node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * Starts every daemon side by side and waits until each answers /readyz: three JVMs (and the test's, serving the
     * API) share the lab's emulated CPUs, so this takes a few times one daemon's start.
     */
    void startDaemons() {
        nodes.forEach(n -> n.daemon().launchProcess());
        nodes.forEach(n -> n.daemon().awaitReady(DaemonUnderTest.PROCESS_READY.multipliedBy(nodes.size())));
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            try {
                n.daemon().close();
            } finally {
                n.ns().close();
            }
        }
        if (api != null) {
            api.close();
        }
        switchNs.close();
        LabTopology.ipBatch(null, List.of("link del " + API_BRIDGE), true);
    }
}
