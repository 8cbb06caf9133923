package io.vmnetd.daemon.bench;

import java.nio.file.Path;

/** CniBench's command-line options; the defaults are what scripts/bench cni runs. */
final class CniBenchOptions {
    String vmnet = "cni-shim/target/vmnet";
    String ref = "/usr/lib/cni/bridge";
    String cniPath = "/opt/cni/bin:/usr/lib/cni";
    String netnsPrefix = "cnib";
    String vmnetBridge = "data-br";
    String refBridge = "ref-br";
    String socket = "/run/vmnetd/vmnetd.sock";
    String ifName = "net1";
    int vlan = 100;
    int n = 200;
    int warmup = 50;
    int parallel = 50;
    int rounds = 3;
    int chunk = 25;
    int floors = 20;
    long settleMillis = 500;
    /** The scaling phase's levels (pods attached); empty: no scaling phase. */
    int[] scaleLevels = {};
    int scaleSamples = 50;
    /** The daemon's process, for its RSS, threads and native memory (scaling phase). */
    long daemonPid = -1;
    /** The VM network that the vmnet pods are on, for POST /v1/networks/NAME/check. */
    String network = "vlan100";
    /** Whether the pods keep IPv6 (their start-up traffic flooded to every port): off by default, see QuietPods. */
    boolean podIpv6 = false;
    Path out = Path.of("target/bench/cni.txt");
    /** The figures, one "name value unit ref target" a line, for scripts/lib/bench-results.sh. */
    Path results = Path.of("target/bench/cni.results");

    static CniBenchOptions parse(String[] args) {
        CniBenchOptions o = new CniBenchOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--smoke")) {
                o.n = 10;
                o.warmup = 3;
                o.parallel = 5;
                o.rounds = 1;
                o.chunk = 5;
                o.floors = 3;
                o.scaleSamples = 3;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--vmnet" -> o.vmnet = v;
                case "--ref" -> o.ref = v;
                case "--cni-path" -> o.cniPath = v;
                case "--netns-prefix" -> o.netnsPrefix = v;
                case "--vmnet-bridge" -> o.vmnetBridge = v;
                case "--ref-bridge" -> o.refBridge = v;
                case "--socket" -> o.socket = v;
                case "--vlan" -> o.vlan = Integer.parseInt(v);
                case "--n" -> o.n = Integer.parseInt(v);
                case "--warmup" -> o.warmup = Integer.parseInt(v);
                case "--parallel" -> o.parallel = Integer.parseInt(v);
                case "--rounds" -> o.rounds = Integer.parseInt(v);
                case "--chunk" -> o.chunk = Integer.parseInt(v);
                case "--floors" -> o.floors = Integer.parseInt(v);
                case "--settle-ms" -> o.settleMillis = Long.parseLong(v);
                case "--out" -> o.out = Path.of(v);
                case "--results" -> o.results = Path.of(v);
                case "--scale" -> o.scaleLevels = v.equals("none") ? new int[0]
                        : java.util.Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--scale-samples" -> o.scaleSamples = Integer.parseInt(v);
                case "--daemon-pid" -> o.daemonPid = Long.parseLong(v);
                case "--network" -> o.network = v;
                case "--pod-ipv6" -> o.podIpv6 = switch (v) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> throw new IllegalArgumentException("--pod-ipv6: on or off, not " + v);
                };
                default -> throw new IllegalArgumentException("unknown option " + a + "; known: --smoke --vmnet "
                        + "--ref --cni-path --netns-prefix --vmnet-bridge --ref-bridge --socket --vlan --n "
                        + "--warmup --parallel --rounds --chunk --floors --settle-ms --out --results --scale "
                        + "--scale-samples --daemon-pid --network --pod-ipv6");
            }
        }
        if (o.scaleLevels.length > 0 && o.daemonPid < 0) {
            throw new IllegalArgumentException("--scale needs --daemon-pid (the daemon's RSS is measured)");
        }
        for (int i = 1; i < o.scaleLevels.length; i++) {
            if (o.scaleLevels[i] <= o.scaleLevels[i - 1]) {
                throw new IllegalArgumentException("--scale: levels must grow, e.g. 10,100,1000");
            }
        }
        if (o.parallel > o.n || o.warmup > o.n || o.floors < 1 || o.chunk < 1 || o.rounds < 1) {
            throw new IllegalArgumentException("--parallel and --warmup must not exceed --n (the namespaces); "
                    + "--floors, --chunk and --rounds must be at least 1");
        }
        return o;
    }
}
