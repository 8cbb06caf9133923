package io.vmnetd.netlink.bench;

import io.vmnetd.netlink.BridgeVlan;
import io.vmnetd.netlink.BridgeVlans;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.RtNetlink;
import io.vmnetd.netlink.VidRange;
import io.vmnetd.netlink.nl.Connection;
import io.vmnetd.netlink.sys.Errno;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Putting a VID range on a bridge port: the library's {@link BridgeVlans#add(int, boolean, List)}, which sends a
 * whole range as one RANGE_BEGIN/RANGE_END pair in one message, against {@code bridge -n NS -batch FILE} with one
 * {@code vlan add dev d0 vid N} line per VID. Each iteration starts from the same state: a fresh namespace with
 * br0 (vlan_filtering 1, so d0 holds only the default VID 1) and its dummy port d0.
 *
 * <p>The library side counts, with a {@link Connection.Observer}, the netlink requests each add sent (the
 * {@link Messages} counter): it must be 1 for 2-4094 and for 2-100 alike. Needs a kernel with bridge VLAN filtering
 * and dummy devices, i.e. scripts/lab.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
@State(Scope.Thread)
public class VidSetBench {
    /** The range the bridge side adds VID by VID. */
    static final VidRange ALL = VidRange.of(2, 4094);
    static final String PORT = "d0";
    /** One entry of bridge's JSON VLAN list: its VID, and the last VID when it is a range. */
    private static final Pattern VLAN_ENTRY = Pattern.compile("\\{\"vlan\":(\\d+)(?:,\"vlanEnd\":(\\d+))?[,}]");

    private Path makeBridge;
    private Path removeBridge;
    private Path vidBatch;

    private BenchNetns ns;
    private RtNetlink rtnl;
    private int port;
    private VidRange added;
    private final Counter counter = new Counter();

    /** The range the library adds in one call. */
    @State(Scope.Thread)
    public static class Vids {
        @Param({"2-4094", "2-100"})
        public String vids;

        VidRange range;

        @Setup(Level.Trial)
        public void parse() {
            String[] fl = vids.split("-");
            range = VidRange.of(Integer.parseInt(fl[0]), Integer.parseInt(fl[1]));
        }
    }

    /** Netlink requests the library sent for the add in the iteration; JMH zeroes it. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Messages {
        public long messages;
    }

    /** Counts requests; called on the thread that sends, the only one using the handle here. */
    static final class Counter implements Connection.Observer {
        long sent;

        @Override
        public void requestSent(int messageType) {
            sent++;
        }

        @Override
        public void errorReceived(int messageType, Errno errno) {}
    }

    @Setup(Level.Trial)
    public void writeBatches() {
        makeBridge = BenchNetns.batchFile("vid-bridge", List.of(
                "link add br0 type bridge vlan_filtering 1",
                "link add " + PORT + " type dummy",
                "link set " + PORT + " master br0"));
        removeBridge = BenchNetns.batchFile("vid-unbridge", List.of("link del " + PORT, "link del br0"));
        List<String> lines = new ArrayList<>();
        for (int vid = ALL.first(); vid <= ALL.last(); vid++) {
            lines.add("vlan add dev " + PORT + " vid " + vid);
        }
        vidBatch = BenchNetns.batchFile("vid-add", lines);
    }

    /**
     * A fresh namespace with br0 and d0, made by ip for both sides alike; a library handle in it only for
     * {@link #library} (the bridge fork never loads jnr).
     */
    @Setup(Level.Iteration)
    public void freshBridge(BenchmarkParams params) {
        ns = BenchNetns.create();
        ns.ipBatch(makeBridge);
        if (params.getBenchmark().endsWith(".library")) {
            try (NetNs handle = NetNs.open(ns.path())) {
                rtnl = RtNetlink.openIn(handle, counter);
            }
            port = rtnl.links().get(PORT).index();
        }
        int before = vidCount();
        if (before != 1) {
            throw new IllegalStateException(PORT + " starts with " + before + " VIDs, not just the default VID 1");
        }
        added = null;
    }

    /** Checks the port got every VID (plus the default VID 1), then removes the bridge and the namespace. */
    @TearDown(Level.Iteration)
    public void dropBridge() {
        int vids;
        try {
            vids = vidCount();
            ns.ipBatch(removeBridge);
        } finally {
            if (rtnl != null) {
                rtnl.close();
                rtnl = null;
            }
            ns.close();
        }
        int expected = 1 + (added == null ? 0 : added.size());
        if (added == null || vids != expected) {
            throw new IllegalStateException(PORT + " has " + vids + " VIDs after adding " + added + "; expected "
                    + expected);
        }
    }

    @Benchmark
    public void library(Vids vids, Messages messages) {
        long before = counter.sent;
        rtnl.bridgeVlans().add(port, false, List.of(BridgeVlan.tagged(vids.range)));
        messages.messages = counter.sent - before;
        added = vids.range;
    }

    @Benchmark
    public void bridgeBatch() {
        ns.bridgeBatch(vidBatch);
        added = ALL;
    }

    /**
     * How many VIDs {@code bridge -j -c vlan show dev d0} lists on the port: its {"vlan":N} and
     * {"vlan":N,...,"vlanEnd":M} entries. A pattern rather than a JSON library: one less library for the forked
     * JVM to load, which costs seconds under emulation.
     */
    private int vidCount() {
        String json = ns.output("bridge", "-j", "-c", "vlan", "show", "dev", PORT);
        if (!json.contains("\"ifname\":\"" + PORT + "\"")) {
            return 0;
        }
        int count = 0;
        Matcher m = VLAN_ENTRY.matcher(json);
        while (m.find()) {
            int first = Integer.parseInt(m.group(1));
            count += (m.group(2) != null ? Integer.parseInt(m.group(2)) : first) - first + 1;
        }
        return count;
    }
}
