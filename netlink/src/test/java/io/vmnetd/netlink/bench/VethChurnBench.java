package io.vmnetd.netlink.bench;

import io.vmnetd.netlink.Links;
import io.vmnetd.netlink.LinkSpec;
import io.vmnetd.netlink.RtNetlink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Veth churn: create {@value #PAIRS} veth pairs, then delete them, in a fresh namespace each iteration. The library
 * as the daemon uses it for many links ({@link Links#createAll}, {@link Links#deleteAll}: independent requests sent
 * together, acknowledged one by one, through {@link RtNetlink#openIn(Path)}) against iproute2 the fastest way a script
 * can drive it: one {@code ip -n NS -batch FILE} process for the {@value #PAIRS}
 * {@code link add vethN type veth peer name vethNp} lines, then one for the {@value #PAIRS} {@code link del vethN}.
 *
 * <p>Both sides ask the kernel for the same changes: one RTM_NEWLINK per pair, one RTM_DELLINK per pair (ip's
 * {@code link del NAME} first looks the name up with an RTM_GETLINK; the library deletes by name in one message).
 * The score is the whole churn; the {@link Phases} counters split it into create and delete, which matters because
 * the kernel spends a full RCU grace period on every single link deletion (netdev_run_todo's rcu_barrier), whoever
 * asks for it.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(1)
@State(Scope.Thread)
public class VethChurnBench {
    static final int PAIRS = 1000;

    private final String[] names = new String[PAIRS];
    private final String[] peers = new String[PAIRS];
    private final List<LinkSpec> specs = new ArrayList<>();
    private final List<String> nameList = new ArrayList<>();
    private Path addBatch;
    private Path deleteBatch;

    private BenchNetns ns;
    private RtNetlink rtnl;

    /** Milliseconds spent creating and deleting in the iteration, reported next to the score; JMH zeroes them. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Phases {
        public double createMs;
        public double deleteMs;

        void record(long start, long created, long deleted) {
            createMs = (created - start) / 1e6;
            deleteMs = (deleted - created) / 1e6;
        }
    }

    @Setup(Level.Trial)
    public void writeBatches() {
        List<String> add = new ArrayList<>();
        List<String> delete = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            names[i] = "veth" + i;
            peers[i] = "veth" + i + "p";
            add.add("link add " + names[i] + " type veth peer name " + peers[i]);
            delete.add("link del " + names[i]);
            specs.add(LinkSpec.veth(names[i], peers[i]));
            nameList.add(names[i]);
        }
        addBatch = BenchNetns.batchFile("veth-add", add);
        deleteBatch = BenchNetns.batchFile("veth-del", delete);
    }

    /** A fresh, empty namespace; a library handle in it only for {@link #library} (the ip fork never loads jnr). */
    @Setup(Level.Iteration)
    public void freshNamespace(BenchmarkParams params) {
        ns = BenchNetns.create();
        if (params.getBenchmark().endsWith(".library")) {
            rtnl = RtNetlink.openIn(ns.path());
        }
    }

    /** Checks the churn left nothing behind (so both sides really created and deleted every pair), then cleans up. */
    @TearDown(Level.Iteration)
    public void dropNamespace() {
        int left;
        try {
            left = ns.count("veth");
        } finally {
            if (rtnl != null) {
                rtnl.close();
                rtnl = null;
            }
            ns.close();
        }
        if (left != 0) {
            throw new IllegalStateException(left + " veth devices left in " + ns + " after the churn");
        }
    }

    @Benchmark
    public void library(Phases phases) {
        Links links = rtnl.links();
        long start = System.nanoTime();
        links.createAll(specs);
        long created = System.nanoTime();
        List<String> deleted = links.deleteAll(nameList);
        phases.record(start, created, System.nanoTime());
        if (deleted.size() != PAIRS) {
            throw new IllegalStateException("deleted " + deleted.size() + " of " + PAIRS + " pairs");
        }
    }

    @Benchmark
    public void ipBatch(Phases phases) {
        long start = System.nanoTime();
        ns.ipBatch(addBatch);
        long created = System.nanoTime();
        ns.ipBatch(deleteBatch);
        phases.record(start, created, System.nanoTime());
    }
}
