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
    Path out = Path.of("target/bench/cni.txt");

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
                default -> throw new IllegalArgumentException("unknown option " + a + "; known: --smoke --vmnet "
                        + "--ref --cni-path --netns-prefix --vmnet-bridge --ref-bridge --socket --vlan --n "
                        + "--warmup --parallel --rounds --chunk --floors --settle-ms --out");
            }
        }
        if (o.parallel > o.n || o.warmup > o.n || o.floors < 1 || o.chunk < 1 || o.rounds < 1) {
            throw new IllegalArgumentException("--parallel and --warmup must not exceed --n (the namespaces); "
                    + "--floors, --chunk and --rounds must be at least 1");
        }
        return o;
    }
}
