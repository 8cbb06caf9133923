# shellcheck shell=bash
# Sourced by scripts/bench: root's GET /v1/status and 50 parallel CNI calls under the floods of issue 11, natively
# (io.vmnetd.daemon.bench.FloodBench): the API server alone in its own JVM behind a fake core, a metrics-port flood
# and a socket flood by nobody (setpriv). Prints RESULT lines (also appended to target/bench/results.json) and writes
# target/bench/flood.txt. Needs root. BENCH_FLOOD_ARGS: e.g. --smoke.

bench_flood() {
    local -a extra
    read -ra extra <<<"${BENCH_FLOOD_ARGS:-}"
    [[ -f daemon/target/test-classes/io/vmnetd/daemon/bench/FloodBench.class ]] ||
        { echo "bench flood: FloodBench is not built (daemon/target/test-classes)" >&2; return 1; }
    java -cp "daemon/target/test-classes:daemon/target/classes:$(cat daemon/target/test-classpath.txt)" \
        io.vmnetd.daemon.bench.FloodBench target/bench "${extra[@]}" "$@"
}
