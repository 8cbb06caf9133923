# shellcheck shell=bash
# Sourced by scripts/bench: root's GET /v1/status and 50 parallel CNI calls under the floods of issue 11, natively
# (io.vmnetd.daemon.bench.FloodBench): the API server alone in its own JVM behind a fake core, a metrics-port flood
# and a socket flood by nobody (setpriv). FloodBench lists its figures in target/bench/flood.results, printed and
# judged here as RESULT lines (scripts/lib/bench-results.sh); report in target/bench/flood.txt. Needs root.
# BENCH_FLOOD_ARGS: e.g. --smoke.

bench_flood() {
    local status=0
    local -a extra
    source scripts/lib/bench-results.sh
    read -ra extra <<<"${BENCH_FLOOD_ARGS:-}"
    [[ -f daemon/target/test-classes/io/vmnetd/daemon/bench/FloodBench.class ]] ||
        { echo "bench flood: FloodBench is not built (daemon/target/test-classes)" >&2; return 1; }
    rm -f target/bench/flood.results
    java -cp "daemon/target/test-classes:daemon/target/classes:$(cat daemon/target/test-classpath.txt)" \
        io.vmnetd.daemon.bench.FloodBench target/bench "${extra[@]}" "$@" || status=1
    bench_results_file target/bench/flood.results || status=1
    return "$status"
}
