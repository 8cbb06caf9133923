# shellcheck shell=bash
# Sourced by scripts/bench: how long `vmnetctl status` takes on this machine (natively: a CLI's start-up is what
# is measured, and the lab's emulated CPU would say nothing about a node), as installed by the package: its
# launcher, jar and class-data sharing archive (made by a first run, as postinst does) from the .deb, extracted into
# a temporary root. The daemon is the real jar with an empty config, in a network namespace of its own. Runs
# alternate with `curl --unix-socket` of the same endpoint, the floor of any client. BENCH_CLI_RUNS: runs per side
# (default 21). Prints RESULT cli.status.ms <median> ms ref=<curl median> target=<500 ok|MISS.

bench_cli() {
    local runs=${BENCH_CLI_RUNS:-21} tmp deb sock dpid i median ref
    source scripts/lib/bench-results.sh
    tmp=$(mktemp -d /tmp/vmnetd-bench-cli.XXXXXX)
    deb=$(scripts/package --no-build --no-lintian | tail -n1) || { rm -rf "$tmp"; return 1; }
    dpkg-deb -x "$deb" "$tmp/root"
    mkdir -p "$tmp/cache" "$tmp/run"
    sock=$tmp/run/vmnetd.sock
    printf 'socket: %s\nstateDir: %s/state\n' "$sock" "$tmp" >"$tmp/vmnetd.yaml"
    VMNETD_LIB=$tmp/root/usr/lib/vmnetd VMNETD_CACHE=$tmp/cache unshare --net \
        sh -c 'ip link set lo up; exec "$0" --config "$1"' "$tmp/root/usr/bin/vmnetd" "$tmp/vmnetd.yaml" \
        >"$tmp/daemon.log" 2>&1 &
    dpid=$!
    for i in $(seq 300); do
        curl -sf --unix-socket "$sock" http://vmnetd/readyz >/dev/null 2>&1 && break
        sleep 0.1
    done
    cli() { VMNETD_LIB=$tmp/root/usr/lib/vmnetd VMNETD_CACHE=$tmp/cache "$tmp/root/usr/bin/vmnetctl" --socket "$sock" status; }
    # The first run dumps the archive, as postinst's does; then a few warm-up runs of each side.
    cli >/dev/null || { echo "bench cli: vmnetctl status failed:"; cat "$tmp/daemon.log"; kill "$dpid"; rm -rf "$tmp"; return 1; }
    [[ -s $tmp/cache/vmnetctl.jsa ]] || echo "bench cli: no CDS archive was written" >&2
    ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
    local -a a=() b=()
    for i in 1 2 3; do ms cli >/dev/null; ms curl -s --unix-socket "$sock" http://vmnetd/v1/status >/dev/null; done
    for i in $(seq "$runs"); do
        a+=("$(ms cli)")
        b+=("$(ms curl -s --unix-socket "$sock" http://vmnetd/v1/status)")
    done
    kill "$dpid"
    wait "$dpid" 2>/dev/null
    rm -rf "$tmp"
    median=$(printf '%s\n' "${a[@]}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
    ref=$(printf '%s\n' "${b[@]}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
    echo "vmnetctl status, $runs runs (ms, sorted): $(printf '%s\n' "${a[@]}" | sort -n | paste -sd' ')"
    echo "curl /v1/status, $runs runs (ms, sorted): $(printf '%s\n' "${b[@]}" | sort -n | paste -sd' ')"
    echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    bench_result cli.status.ms "$median" ms "$ref" "<500"
}
