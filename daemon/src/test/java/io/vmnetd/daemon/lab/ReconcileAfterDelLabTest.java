package io.vmnetd.daemon.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConfigLoader;
import io.vmnetd.daemon.model.NetworkPort;
import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.daemon.model.PortVlanSpec;
import io.vmnetd.daemon.model.VmPort;
import io.vmnetd.daemon.reconcile.Reason;
import io.vmnetd.daemon.reconcile.ReconcileObserver;
import io.vmnetd.daemon.reconcile.Reconciler;
import io.vmnetd.daemon.state.NetworkRegistry;
import io.vmnetd.daemon.testing.HostStepContext;
import io.vmnetd.daemon.testing.KernelState;
import io.vmnetd.daemon.testing.LabTopology;
import io.vmnetd.netlink.MacAddress;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.testing.LabTest;
import io.vmnetd.netlink.testing.TestNetns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A CNI DEL that takes a port away (its journal entry, then its link) while a whole-network reconcile is between
 * reading what it wants and taking the network's lock: the reconcile must not make the port again. Made again, it
 * would be an orphan whose pod end holds the pod's interface name, and the pod's next ADD fails with EEXIST (as the
 * soak test once saw). The live ports here come from a list the test controls; the DEL happens inside the read of
 * it, right after the reconcile was handed the port, which fixes the interleaving.
 */
@LabTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconcileAfterDelLabTest {
    private static final String HOST_END = "vmnstaledel01";

    private final KernelState kernel = KernelState.host();
    private final AtomicReference<List<NetworkPort>> live = new AtomicReference<>(List.of());
    /** Run once, inside the next read of the live ports, after that read took the list as it was. */
    private final AtomicReference<Runnable> duringNextRead = new AtomicReference<>();
    private LabTopology lab;
    private TestNetns pod;
    private RtNetlink host;
    private Reconciler reconciler;

    @BeforeAll
    void build() throws Exception {
        lab = LabTopology.withNics("eth1", "eth2");
        pod = TestNetns.create();
        Path state = Files.createTempDirectory(Path.of("/tmp"), "vmnetd-staledel-");
        Config config = ConfigLoader.parse("stateDir: " + state + "\n" + NodeConfigs.DATA_ONLY, "test");
        host = RtNetlink.open();
        reconciler = new Reconciler(host, new HostStepContext(host), NetworkRegistry.open(state), config, () -> {
            List<NetworkPort> asItWas = live.get();
            Runnable del = duringNextRead.getAndSet(null);
            if (del != null) {
                del.run();
            }
            return asItWas;
        }, ReconcileObserver.NONE);
    }

    @AfterAll
    void tearDown() {
        lab.closeAfter(host, pod);
    }

    @Test
    void aPortDeletedBeforeTheReconcileHoldsItsNetworkIsNotMadeAgain() {
        NetworkPort port;
        try (NetNs ns = NetNs.open(pod.path())) {
            port = new NetworkPort("data", new VmPort(HOST_END, new PodEnd(pod.path(), ns.identity(), "net1",
                    MacAddress.parse("02:00:00:00:5d:01"), List.of(), List.of()), PortVlanSpec.access(100), false,
                    false, "container staledel/net1"));
        }
        live.set(List.of(port));
        assertThat(reconciler.reconcileAll(Reason.STARTUP).errors()).isEmpty();
        assertThat(kernel.master(HOST_END)).contains("data-br");
        assertThat(pod.hasLink("net1")).isTrue();

        // The DEL, as CniDel does it: the journal no longer lists the port, then its link goes.
        duringNextRead.set(() -> {
            live.set(List.of());
            host.links().delete(HOST_END);
        });
        assertThat(reconciler.reconcile("data", Reason.LINK_EVENT).errors()).isEmpty();

        assertThat(duringNextRead.get()).as("the DEL ran inside the reconcile's read").isNull();
        assertThat(kernel.linkNames()).doesNotContain(HOST_END);
        assertThat(pod.hasLink("net1")).as("the pod's interface name is free for its next ADD").isFalse();
    }
}
