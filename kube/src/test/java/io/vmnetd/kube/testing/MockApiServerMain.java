package io.vmnetd.kube.testing;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link MockApiServer} as a process, for benches and manual tries: {@code MockApiServerMain ADDRESS PORT KUBECONFIG}
 * serves on ADDRESS:PORT (PORT 0: any free one), writes a kubeconfig naming it, prints "ready URL" and runs until
 * killed.
 */
public final class MockApiServerMain {
    private MockApiServerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: MockApiServerMain ADDRESS PORT KUBECONFIG");
            System.exit(2);
        }
        MockApiServer server = new MockApiServer(InetAddress.getByName(args[0]), Integer.parseInt(args[1])).start();
        server.writeKubeconfig(Path.of(args[2]));
        System.out.println("ready " + server.url());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        new CountDownLatch(1).await();
    }
}
