# shellcheck shell=bash
# Sourced by scripts/bench: the vmnet CNI plugin (shim + vmnetd) against the reference bridge plugin
# (/usr/lib/cni/bridge, containernetworking-plugins), in one kernel-lab run (scripts/lab), since both need VLAN
# filtering and bonding that this machine's kernel lacks. Both sides run in the same VM under the same emulation,
# exec'd the same way by one Java harness (daemon/src/test/java/io/vmnetd/daemon/bench/CniBench.java):
# sequential ADD and DEL latency (p50, p99) and the wall time of parallel ADDs and DELs. Writes
# target/bench/cni.txt. BENCH_CNI_ARGS (words) and any arguments go to CniBench: --smoke, --n, --warmup,
# --parallel, --rounds. BENCH_CNI_DAEMON_OPTS: the daemon's JVM options (default: systemd/vmnetd.service's).
# BENCH_CNI_PROFILE=1: also a Java Flight Recording of vmnetd during the bench, summed up in
# target/bench/cni-profile.txt (by io.vmnetd.daemon.bench.CniProfile).

bench_cni() {
    local start load status=0
    local -a extra
    read -ra extra <<<"${BENCH_CNI_ARGS:-}"
    [[ -f daemon/target/test-classes/io/vmnetd/daemon/bench/CniBench.class ]] ||
        { echo "bench cni: CniBench is not built (daemon/target/test-classes)" >&2; return 1; }
    [[ -x cni-shim/target/vmnet && -f daemon/target/vmnetd.jar ]] ||
        { echo "bench cni: cni-shim/target/vmnet or daemon/target/vmnetd.jar missing" >&2; return 1; }
    [[ -x /usr/lib/cni/bridge ]] || { echo "bench cni: /usr/lib/cni/bridge missing" >&2; return 1; }
    mkdir -p target/bench
    rm -f target/bench/cni.txt
    start=$(date +%s)
    # The lab's vCPUs are emulated threads of this machine: whatever else runs here slows both sides, unevenly.
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    LAB_PASS_ENV="${LAB_PASS_ENV:-} BENCH_CNI_DAEMON_OPTS BENCH_CNI_PROFILE" \
        scripts/lab scripts/lib/bench-cni-inside.sh --out target/bench/cni.txt "${extra[@]}" "$@" || status=$?
    if [[ -f target/bench/cni.txt ]]; then
        echo "host: $(nproc) CPUs, load average $load before the run, $(cut -d' ' -f1-3 /proc/loadavg) after" |
            tee -a target/bench/cni.txt
    fi
    echo "bench cni: $(($(date +%s) - start)) s in the lab (boot included), exit status $status"
    return "$status"
}
