# shellcheck shell=bash
# Sourced by scripts/bench: how soon the daemon is ready, natively (a node's CPU, not the lab's emulated one), as
# the package ships it: the launcher /usr/bin/vmnetd with its JVM flags and the class-data sharing archive that
# postinst links into /var/cache/vmnetd, an empty config (socket and stateDir only), in a network and mount
# namespace of its own (scripts/lib/bench-start-inside.sh). The time is from the launcher's exec until GET /readyz
# answers ready; median of BENCH_START_RUNS (default 11) starts after 2 unmeasured ones. BENCH_START_JAVA_OPTS:
# extra JVM options (VMNETD_JAVA_OPTS), to try a flag before changing the launcher. Prints
# RESULT daemon.ready.native.ms; report in target/bench/start.txt.

bench_start() {
    local runs=${BENCH_START_RUNS:-11} tmp deb status=0
    source scripts/lib/bench-results.sh
    mkdir -p target/bench
    tmp=$(mktemp -d /tmp/vmnetd-bench-start.XXXXXX)
    deb=$(scripts/package --no-build --no-lintian | tail -n1) || { rm -rf "$tmp"; return 1; }
    dpkg-deb -x "$deb" "$tmp/root"
    rm -f target/bench/start.results
    unshare --mount --net bash scripts/lib/bench-start-inside.sh "$tmp" "$runs" target/bench/start.results \
        2>&1 | tee target/bench/start.txt || status=1
    echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) after" | tee -a target/bench/start.txt
    rm -rf "$tmp"
    bench_results_file target/bench/start.results || status=1
    return "$status"
}
