# shellcheck shell=bash
# Sourced by scripts/bench: the netlink module's JMH benchmarks (netlink/src/test/java/io/vmnetd/netlink/bench), in
# two JMH runs: the veth churn natively (this kernel has veth and namespaces; its figure is a native one), then the
# bridge VID benchmark inside the kernel lab, since it needs VLAN filtering and dummy devices this machine's kernel
# lacks. Both sides of every comparison run in the same place under the same conditions. Writes
# target/bench/netlink.txt (both reports; JMH's JSON next to each part) and prints the named figures through
# bench_result (netlink.veth1000.ratio). BENCH_NETLINK_ARGS (words) and any arguments go to both runs of
# NetlinkBench, e.g. --smoke.

bench_netlink() {
    # shellcheck source=scripts/lib/bench-results.sh
    source scripts/lib/bench-results.sh
    local classes=netlink/target/test-classes classpath start load_before summary status=0 part
    local -a extra java
    read -ra extra <<<"${BENCH_NETLINK_ARGS:-}"
    [[ -f $classes/META-INF/BenchmarkList ]] || { echo "bench netlink: no JMH benchmarks in $classes" >&2; return 1; }
    # A private copy of the compiled classes: a build started meanwhile (scripts/test...) cannot pull them away
    # from under the JMH forks.
    rm -rf target/bench/netlink-classes
    mkdir -p target/bench/netlink-classes
    cp -a "$classes" target/bench/netlink-classes/test-classes
    cp -a netlink/target/classes target/bench/netlink-classes/classes
    classpath="target/bench/netlink-classes/test-classes:target/bench/netlink-classes/classes"
    classpath+=":$(cat netlink/target/test-classpath.txt)"
    # This JVM only drives JMH (C1 is enough for that); JMH forks each benchmark into a JVM with the normal JIT.
    java=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$classpath" io.vmnetd.netlink.bench.NetlinkBench
        --results target/bench/netlink-results.txt)
    rm -f target/bench/netlink.txt target/bench/netlink-veth.txt target/bench/netlink-vids.txt \
        target/bench/netlink-results.txt
    for part in veth vids; do
        # Other busy processes (another lab VM, a build...) slow whichever side runs meanwhile.
        load_before=$(cut -d' ' -f1 /proc/loadavg)
        if awk -v l="$load_before" -v n="$(nproc)" 'BEGIN {exit !(l > n / 2)}'; then
            echo "bench netlink: WARNING: load average $load_before on $(nproc) CPUs; timings will be noisy" >&2
        fi
        start=$(date +%s)
        if [[ $part = veth ]]; then
            "${java[@]}" --include VethChurnBench --out target/bench/netlink-veth.txt "${extra[@]}" "$@" || status=$?
            summary="native run $(($(date +%s) - start)) s;"
        else
            scripts/lab "${java[@]}" --include VidSetBench --out target/bench/netlink-vids.txt "${extra[@]}" "$@" ||
                status=$?
            summary="lab run $(($(date +%s) - start)) s (boot included);"
        fi
        summary+=" host load average $load_before before, $(cut -d' ' -f1 /proc/loadavg) after, $(nproc) CPUs"
        if [[ -f target/bench/netlink-$part.txt ]]; then
            echo "$summary" >>"target/bench/netlink-$part.txt"
            cat "target/bench/netlink-$part.txt" >>target/bench/netlink.txt
            echo >>target/bench/netlink.txt
        fi
        echo "bench netlink ($part): $summary; exit status $status"
    done
    bench_results_file target/bench/netlink-results.txt || status=1
    grep -q '^netlink.veth1000.ratio ' target/bench/netlink-results.txt 2>/dev/null || {
        echo "bench netlink: the veth churn gave no figure" >&2
        bench_result netlink.veth1000.ratio none x - "<=1.0" || status=1
    }
    return "$status"
}
