# shellcheck shell=bash
# Sourced by scripts/bench: the vmnet CNI plugin (shim + vmnetd) against the reference bridge plugin
# (/usr/lib/cni/bridge, containernetworking-plugins), in one kernel-lab run (scripts/lab), since both need VLAN
# filtering and bonding that this machine's kernel lacks. Both sides run in the same VM under the same emulation,
# exec'd the same way by one Java harness (daemon/src/test/java/io/vmnetd/daemon/bench/CniBench.java):
# sequential ADD and DEL latency (p50, p99) and the wall time of parallel ADDs and DELs. Writes
# target/bench/cni.txt; then, on vmnet alone, how ADD, resync, drift repair and RSS grow with 10, 100 and 1000
# pods (io.vmnetd.daemon.bench.CniScaling). vmnetd runs as the package installs it (scripts/package, extracted into
# the lab's throwaway root: the launcher's flags, its CDS archive). CniBench lists its figures in
# target/bench/cni.results, printed and judged here (scripts/lib/bench-results.sh). BENCH_CNI_ARGS (words) and any
# arguments go to CniBench: --smoke, --n, --warmup, --parallel, --rounds, --pod-ipv6 on (the pods keep IPv6; off by
# default, io.vmnetd.daemon.bench.QuietPods says why). BENCH_CNI_SCALE: the scaling levels (default 10,100,1000;
# "none"). BENCH_CNI_DAEMON_OPTS: JVM options added to the launcher's.
# BENCH_CNI_PROFILE=1: also a Java Flight Recording of vmnetd during the bench, summed up in
# target/bench/cni-profile.txt (by io.vmnetd.daemon.bench.CniProfile).

bench_cni() {
    local start load deb status=0
    local -a extra
    source scripts/lib/bench-results.sh
    read -ra extra <<<"${BENCH_CNI_ARGS:-}"
    [[ -f daemon/target/test-classes/io/vmnetd/daemon/bench/CniBench.class ]] ||
        { echo "bench cni: CniBench is not built (daemon/target/test-classes)" >&2; return 1; }
    [[ -x cni-shim/target/vmnet && -f daemon/target/vmnetd.jar ]] ||
        { echo "bench cni: cni-shim/target/vmnet or daemon/target/vmnetd.jar missing" >&2; return 1; }
    [[ -x /usr/lib/cni/bridge ]] || { echo "bench cni: /usr/lib/cni/bridge missing" >&2; return 1; }
    mkdir -p target/bench
    rm -f target/bench/cni.txt target/bench/cni.results
    deb=$(scripts/package --no-build --no-lintian | tail -n1) || { echo "bench cni: scripts/package failed" >&2; return 1; }
    start=$(date +%s)
    # The lab's vCPUs are emulated threads of this machine: whatever else runs here slows both sides, unevenly.
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    BENCH_CNI_DEB=$PWD/$deb LAB_PASS_ENV="${LAB_PASS_ENV:-} BENCH_CNI_DAEMON_OPTS BENCH_CNI_PROFILE BENCH_CNI_SCALE BENCH_CNI_DEB" \
        scripts/lab scripts/lib/bench-cni-inside.sh --out target/bench/cni.txt "${extra[@]}" "$@" || status=$?
    if [[ -f target/bench/cni.txt ]]; then
        echo "host: $(nproc) CPUs, load average $load before the run, $(cut -d' ' -f1-3 /proc/loadavg) after" |
            tee -a target/bench/cni.txt
    fi
    echo "bench cni: $(($(date +%s) - start)) s in the lab (boot included), exit status $status"
    bench_results_file target/bench/cni.results || status=1
    return "$status"
}
