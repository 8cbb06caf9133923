package io.vmnetd.daemon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmnetd.netlink.testing.Shell;
import io.vmnetd.netlink.testing.TestNetns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A node for CNI lab tests: a {@link LabTopology} (NICs whose far ends are ports of the switch namespace's
 * bridge), one vmnetd (in-process unless asked otherwise) and the pods (network namespaces) a test makes. Every
 * ADD made through {@link #add} is remembered so that {@link #cleanPods()} can DEL what the daemon still has
 * before the pod's namespace goes; tests call {@link #cleanPods()} after each test and {@link #close()} after
 * the class. Registered as a JUnit extension ({@code @RegisterExtension static final CniLab lab = CniLab.of(...)}) it
 * starts before the class's tests and closes after them.
 */
public final class CniLab implements AutoCloseable, BeforeAllCallback, AfterAllCallback, TestWatcher {
    /** Cluster network "data" (MTU 9000, uplink eth1) and three VM networks on it. */
    public static final String DATA_NETWORKS = """
            clusterNetworks:
              - name: data
                mtu: 9000
                uplink: {nics: [eth1]}
            vmNetworks:
              - {name: vlan100, clusterNetwork: data, type: L2VlanNetwork, vlan: 100}
              - {name: vlan200, clusterNetwork: data, type: L2VlanNetwork, vlan: 200}
              - {name: native, clusterNetwork: data, type: UntaggedNetwork}
            """;
    public static final String BRIDGE = "data-br";
    /** The prefix of vmnet's host-side veth names ("vmn" + 12 hex digits). */
    public static final String HOST_VETH_PREFIX = "vmn";

    private final String networksYaml;
    private final boolean asProcess;
    private final String[] nics;
    private LabTopology topology;
    private DaemonUnderTest daemon;
    private final List<TestNetns> pods = new ArrayList<>();
    private final List<CniCall> adds = new ArrayList<>();
    private java.util.function.Consumer<DaemonUnderTest> beforeStart = d -> { };

    private CniLab(String networksYaml, boolean asProcess, String... nics) {
        this.networksYaml = networksYaml;
        this.asProcess = asProcess;
        this.nics = nics.clone();
    }

    /** Not started yet: NICs, then a daemon in the test JVM with {@code networksYaml}, once {@link #beforeAll}. */
    public static CniLab of(String networksYaml, String... nics) {
        return new CniLab(networksYaml, false, nics);
    }

    /** Like {@link #of(String, String...)}, the daemon a separate process (for kill -9) when asked. */
    public static CniLab of(String networksYaml, boolean asProcess, String... nics) {
        return new CniLab(networksYaml, asProcess, nics);
    }

    /** Started at once, the daemon ready. */
    public static CniLab start(String networksYaml, String... nics) {
        CniLab lab = of(networksYaml, nics);
        lab.begin();
        return lab;
    }

    /** Something to do to the daemon's files before it starts, e.g. {@link DaemonUnderTest#stateDirOnTmpfs}. */
    public CniLab beforeStart(java.util.function.Consumer<DaemonUnderTest> prepare) {
        this.beforeStart = prepare;
        return this;
    }

    private void begin() {
        topology = LabTopology.withNics(nics);
        try {
            daemon = DaemonUnderTest.create(networksYaml);
            beforeStart.accept(daemon);
            if (asProcess) {
                daemon.startProcess();
            } else {
                daemon.startInProcess();
            }
        } catch (RuntimeException | Error e) {
            topology.closeAfter(daemon);
            throw e;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        begin();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (topology != null) {
            close();
        }
    }

    /** A failed test shows the end of the daemon's log (a daemon process logs to its own file). */
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (daemon != null && asProcess) {
            List<String> lines = daemon.log().lines().toList();
            System.out.println("---- last lines of vmnetd's log after " + context.getDisplayName() + " failed:");
            lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(System.out::println);
            System.out.println("----");
        }
    }

    /** interfaces[1] of an ADD result: the host end's name. */
    public static String hostVeth(JsonNode addResult) {
        return addResult.path("interfaces").path(1).path("name").asText();
    }

    /** interfaces[2] of an ADD result: the pod end's MAC. */
    public static String podMac(JsonNode addResult) {
        return addResult.path("interfaces").path(2).path("mac").asText();
    }

    public DaemonUnderTest daemon() {
        return daemon;
    }

    public LabTopology topology() {
        return topology;
    }

    public Path socket() {
        return daemon.socket();
    }

    /** A fresh pod namespace, deleted by {@link #cleanPods()}. */
    public TestNetns pod() {
        TestNetns ns = TestNetns.create();
        synchronized (pods) {
            pods.add(ns);
        }
        return ns;
    }

    /** ADD of {@code eth0} in {@code pod} for {@code containerId}, remembered for {@link #cleanPods()}. */
    public CniCall.Result add(String containerId, TestNetns pod, String config) {
        return add(CniCall.add(socket(), containerId, pod.path().toString(), "eth0", config));
    }

    /** Runs an ADD call as given, remembered for {@link #cleanPods()}. */
    public CniCall.Result add(CniCall call) {
        synchronized (adds) {
            adds.add(call);
        }
        return call.run();
    }

    public CniCall.Result del(String containerId, TestNetns pod, String config) {
        return CniCall.del(socket(), containerId, pod.path().toString(), "eth0", config).run();
    }

    /**
     * DELs every remembered ADD that the daemon still journals (whatever it answered), deletes every pod namespace,
     * and checks that no vmnet host veth is left.
     */
    public void cleanPods() {
        List<CniCall> remembered;
        synchronized (adds) {
            remembered = new ArrayList<>(adds);
            adds.clear();
        }
        Set<String> journaled = new HashSet<>();
        for (JsonNode p : ports()) {
            journaled.add(p.path("containerId").asText() + "/" + p.path("ifName").asText());
        }
        Set<String> done = new HashSet<>();
        for (CniCall add : remembered) {
            Map<String, String> env = add.environment();
            String key = env.get("CNI_CONTAINERID") + "/" + env.get("CNI_IFNAME");
            if (!journaled.contains(key) || !done.add(key)) {
                continue;
            }
            CniCall del = CniCall.command("DEL", socket());
            env.forEach((k, v) -> {
                if (k.startsWith("CNI_") && !k.equals("CNI_COMMAND")) {
                    del.env(k, v);
                }
            });
            del.config(add.configText()).run();
        }
        synchronized (pods) {
            pods.forEach(TestNetns::close);
            pods.clear();
        }
        List<String> left = hostVeths();
        left.forEach(name -> Shell.run("ip", "link", "del", name));
        if (!left.isEmpty()) {
            throw new AssertionError("host veths left after DEL of every journaled ADD and deleting the pods: " + left);
        }
    }

    /** The node's vmnet host-side veths ("vmn..."), by iproute2. */
    public static List<String> hostVeths() {
        List<String> out = new ArrayList<>();
        for (String name : KernelState.host().linkNames()) {
            if (name.startsWith(HOST_VETH_PREFIX)) {
                out.add(name);
            }
        }
        return out;
    }

    /** GET /v1/ports: the attachments the daemon's journal holds. */
    public JsonNode ports() {
        return daemon.get("/v1/ports").requireOk().json();
    }

    /**
     * A vmnet netconf for VM network {@code network} in cniVersion {@code version}; {@code ipam} is the JSON of the
     * "ipam" object ({@code "{}"} for none); {@code extra} more members, e.g. {@code "\"mtu\": 9000"}, or "".
     */
    public static String conf(String version, String network, String ipam, String extra) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"" + network + "\",\"type\":\"vmnet\",\"network\":\""
                + network + "\",\"ipam\":" + ipam + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    public static String conf(String network, String ipam) {
        return conf("1.0.0", network, ipam, "");
    }

    /** The static IPAM plugin's config for one address, e.g. "10.100.0.2/24". */
    public static String staticIp(String cidr) {
        return "{\"type\":\"static\",\"addresses\":[{\"address\":\"" + cidr + "\"}]}";
    }

    /** The host-local IPAM plugin's config for {@code subnet}, keeping its leases in {@code dataDir}. */
    public static String hostLocal(String subnet, Path dataDir) {
        return "{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"" + subnet + "\"}]],\"dataDir\":\"" + dataDir + "\"}";
    }

    /** Pings {@code address} from {@code pod} up to {@code attempts} times; true at the first answer. */
    public static boolean ping(TestNetns pod, String address, int attempts) {
        for (int i = 0; i < attempts; i++) {
            if (pod.ping(address)) {
                return true;
            }
        }
        return false;
    }

    /** Polls {@code condition} every 100 ms until it holds or {@code millis} pass; true when it held. */
    public static boolean eventually(long millis, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            DaemonUnderTest.sleep(100);
        }
    }

    /** DELs what the daemon still has and deletes the pods, stops the daemon, then takes the topology down. */
    @Override
    public void close() {
        try {
            topology.closeAfter(this::cleanPods, daemon);
        } finally {
            topology = null;
        }
    }
}
