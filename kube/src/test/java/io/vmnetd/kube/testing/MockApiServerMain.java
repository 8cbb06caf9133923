package io.vmnetd.kube.testing;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vmnetd.kube.crd.ClusterNetwork;
import io.vmnetd.kube.crd.NetworkAttachmentDefinition;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link MockApiServer} as a process, for benches and manual tries:
 * {@code MockApiServerMain ADDRESS PORT KUBECONFIG [NODE NADS]} serves on ADDRESS:PORT (PORT 0: any free one), writes
 * a kubeconfig naming it, optionally makes Node NODE, ClusterNetworks mgmt and data and NADS VLAN networks on data,
 * prints "ready URL" and runs until killed.
 */
public final class MockApiServerMain {
    private MockApiServerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3 && args.length != 5) {
            System.err.println("usage: MockApiServerMain ADDRESS PORT KUBECONFIG [NODE NADS]");
            System.exit(2);
        }
        MockApiServer server = new MockApiServer(InetAddress.getByName(args[0]), Integer.parseInt(args[1])).start();
        server.writeKubeconfig(Path.of(args[2]));
        if (args.length == 5) {
            try (KubernetesClient kube = server.client()) {
                kube.nodes().resource(new NodeBuilder().withNewMetadata().withName(args[3]).endMetadata().build())
                        .create();
                kube.resources(ClusterNetwork.class).resource(ClusterObjects.clusterNetwork("mgmt")).create();
                kube.resources(ClusterNetwork.class).resource(ClusterObjects.clusterNetwork("data")).create();
                int nads = Integer.parseInt(args[4]);
                for (int i = 0; i < nads; i++) {
                    kube.resources(NetworkAttachmentDefinition.class)
                            .resource(ClusterObjects.vlanNad("ns" + (i % 20), "vlan" + (i + 2), "data", 2 + i % 4000)).create();
                }
            }
        }
        System.out.println("ready " + server.url());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        new CountDownLatch(1).await();
    }
}
