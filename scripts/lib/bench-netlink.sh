# shellcheck shell=bash
# Sourced by scripts/bench: the netlink module's JMH benchmarks (netlink/src/test/java/io/vmnetd/netlink/bench),
# all in one JMH run inside the kernel lab, since the bridge VID benchmark needs VLAN filtering and dummy devices
# that this machine's kernel lacks. Both sides of every comparison run in the same VM under the same emulation.
# Writes target/bench/netlink.txt (and JMH's JSON next to it). BENCH_NETLINK_ARGS (words) and any arguments go
# to NetlinkBench: --smoke, --include REGEX.

bench_netlink() {
    local classes=netlink/target/test-classes classpath start load_before summary status=0
    local -a extra
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
    # TCG shares this machine's CPUs: other busy processes (another lab VM...) slow whichever side runs meanwhile.
    load_before=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v l="$load_before" -v n="$(nproc)" 'BEGIN {exit !(l > n / 2)}'; then
        echo "bench netlink: WARNING: load average $load_before on $(nproc) CPUs; timings will be noisy" >&2
    fi
    rm -f target/bench/netlink.txt
    start=$(date +%s)
    # This JVM only drives JMH (C1 is enough for that); JMH forks each benchmark into a JVM with the normal JIT.
    scripts/lab java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$classpath" io.vmnetd.netlink.bench.NetlinkBench \
        --out target/bench/netlink.txt "${extra[@]}" "$@" || status=$?
    summary="lab run $(($(date +%s) - start)) s (boot included); host load average $load_before before,"
    summary+=" $(cut -d' ' -f1 /proc/loadavg) after, $(nproc) CPUs"
    [[ -f target/bench/netlink.txt ]] && echo "$summary" >>target/bench/netlink.txt
    echo "bench netlink: $summary; exit status $status"
    return "$status"
}
