package io.vmnetd.daemon.bench;

import io.vmnetd.netlink.NetNs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns IPv6 off in the bench's pod namespaces before any plugin puts an interface in them, so that a pod comes up
 * without IPv6 start-up traffic. Why: the bridge floods a pod's duplicate address detection, MLD reports and router
 * solicitations to every port of its VLAN (no multicast querier, so snooping cannot narrow them), and every other pod
 * runs each copy through its IPv6 stack. With 1000 pods that is about a thousand deliveries per packet per new pod: in
 * the lab (perf, 20 port adds beside 1000 up pods) some 20% of the two emulated CPUs went to veth_xmit, br_flood,
 * ip6_rcv_core and their kin, against none beside 10 pods, which slowed every process on the node, the plugin's exec
 * included. That is node load, the same for either plugin and for any port maker, not work on an ADD's path; the
 * scaling figure is to show what an ADD itself costs as ports are added.
 */
final class QuietPods {
    private static final List<String> SETTINGS = List.of("all", "default");

    private QuietPods() {}

    /** Sets net.ipv6.conf.{all,default}.disable_ipv6 = 1 in every namespace /run/netns/{prefix}*; returns how many. */
    static int in(String prefix) throws IOException {
        List<Path> namespaces;
        try (Stream<Path> entries = Files.list(Path.of("/run/netns"))) {
            namespaces = entries.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
        for (Path ns : namespaces) {
            try (NetNs handle = NetNs.open(ns)) {
                handle.execute(() -> {
                    for (String scope : SETTINGS) {
                        Path sysctl = Path.of("/proc/sys/net/ipv6/conf", scope, "disable_ipv6");
                        try {
                            Files.writeString(sysctl, "1");
                            if (!Files.readString(sysctl).trim().equals("1")) {
                                throw new IllegalStateException(sysctl + " did not take 1 in " + ns);
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(ns + ": " + sysctl, e);
                        }
                    }
                    return null;
                });
            }
        }
        return namespaces.size();
    }
}
