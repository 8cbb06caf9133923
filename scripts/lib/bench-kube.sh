# shellcheck shell=bash
# Sourced by scripts/bench: what Kubernetes mode costs, natively (no VLAN or bond is built, so this machine's
# kernel does), each daemon in a network namespace of its own, the mock API server in the same namespace:
#   - start time (exec to /readyz 200) and RSS (3 s after ready) of the daemon built from BENCH_KUBE_BASELINE (the
#     commit before Kubernetes mode existed), of this tree's daemon without a kubernetes section ("off"), and with
#     one against a mock API server holding a Node and BENCH_KUBE_NADS NetworkAttachmentDefinitions ("on");
#     medians of BENCH_KUBE_RUNS runs, alternating;
#   - the classes "off" loads from the module (io.vmnetd.kube, io.fabric8): none;
#   - the API load of one node (io.vmnetd.kube.ApiLoad against the mock server), and the cluster it makes.
# Writes target/bench/kube.txt.

BENCH_KUBE_BASELINE=${BENCH_KUBE_BASELINE:-5d57e1c}

bench_kube() {
    local out=target/bench/kube.txt status=0 ns dir base mock_pid cp
    source scripts/lib/bench-results.sh
    [[ -f kube/target/vmnetd-kube.jar && -f daemon/target/vmnetd.jar ]] ||
        { echo "bench kube: daemon/target/vmnetd.jar or kube/target/vmnetd-kube.jar missing" >&2; return 1; }
    mkdir -p target/bench
    : >"$out"
    base=$(kube_baseline_jar) || return 1
    ns=vkb$$
    dir=$(mktemp -d /tmp/vkb.XXXXXX)
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    cp="kube/target/test-classes:kube/target/classes:$(cat kube/target/test-classpath.txt)"
    ip netns exec "$ns" java -XX:+UseSerialGC -cp "$cp" io.vmnetd.kube.testing.MockApiServerMain 127.0.0.1 0 \
        "$dir/kubeconfig" n1 "${BENCH_KUBE_NADS:-500}" >"$dir/mock.log" 2>&1 &
    mock_pid=$!
    for _ in $(seq 600); do grep -q '^ready' "$dir/mock.log" && break; sleep 0.1; done
    grep -q '^ready' "$dir/mock.log" || { echo "bench kube: the mock API server did not start" >&2; status=1; }
    if [[ $status -eq 0 ]]; then
        kube_start_rss "$ns" "$dir" "$base" | tee -a "$out" || status=1
        kube_classes_when_off "$ns" "$dir" | tee -a "$out" || status=1
    fi
    kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true
    ip netns del "$ns"
    rm -rf "$dir"
    java -cp "$cp" io.vmnetd.kube.ApiLoad "${BENCH_KUBE_NADS:-500}" 1000 2>/dev/null >target/bench/kube-apiload.txt ||
        status=1
    grep -v '^FIGURE ' target/bench/kube-apiload.txt | tee -a "$out"
    sed -n 's/^FIGURE //p' target/bench/kube-apiload.txt >target/bench/kube.results
    bench_results_file target/bench/kube.results | tee -a "$out"
    grep -q ' MISS$' "$out" && status=1
    echo "bench kube: report in $out, exit status $status"
    return "$status"
}

# vmnetd.jar of BENCH_KUBE_BASELINE, built once into target/bench/baseline-<commit>/.
kube_baseline_jar() {
    local commit src
    commit=$(git rev-parse --short "$BENCH_KUBE_BASELINE") || return 1
    src=$PWD/target/bench/baseline-$commit
    if [[ ! -f $src/daemon/target/vmnetd.jar ]]; then
        echo "bench kube: building the baseline daemon of $commit" >&2
        rm -rf "$src" && mkdir -p "$src"
        git archive "$commit" | tar -x -C "$src"
        (cd "$src" && mvn -q -B -ntp -o -pl netlink,daemon package -DskipTests >&2) || return 1
    fi
    echo "$src/daemon/target/vmnetd.jar"
}

# One start: prints "<ms to ready> <RSS KiB 3 s after>".
kube_one_start() {
    local ns=$1 dir=$2 jar=$3 config=$4 pid t0 t1 rss
    rm -rf "$dir/state" "$dir/s.sock"
    t0=$(date +%s%N)
    ip netns exec "$ns" java -XX:+UseSerialGC -Dvmnetd.kube.jar="$PWD/kube/target/vmnetd-kube.jar" \
        -jar "$jar" --config "$config" >>"$dir/daemon.log" 2>&1 &
    pid=$!
    until curl -sf --unix-socket "$dir/s.sock" http://vmnetd/readyz >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || { echo "bench kube: the daemon exited; see $dir/daemon.log" >&2; return 1; }
        sleep 0.02
    done
    t1=$(date +%s%N)
    sleep 3
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "$(((t1 - t0) / 1000000)) $rss"
}

kube_median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

kube_start_rss() {
    local ns=$1 dir=$2 base=$3 runs=${BENCH_KUBE_RUNS:-5} i mode
    local -A ms rss
    printf 'socket: %s\nstateDir: %s\n' "$dir/s.sock" "$dir/state" >"$dir/off.yaml"
    { cat "$dir/off.yaml"; echo "kubernetes: {nodeName: n1, kubeconfig: $dir/kubeconfig}"; } >"$dir/on.yaml"
    for ((i = 0; i < runs; i++)); do
        for mode in baseline off on; do
            local jar=daemon/target/vmnetd.jar config=$dir/$mode.yaml r
            [[ $mode = baseline ]] && { jar=$base; config=$dir/off.yaml; }
            r=$(kube_one_start "$ns" "$dir" "$jar" "$config") || return 1
            ms[$mode]+="${r% *}"$'\n'
            rss[$mode]+="${r#* }"$'\n'
        done
    done
    local b_ms b_rss off_ms off_rss on_ms on_rss
    b_ms=$(printf '%s' "${ms[baseline]}" | kube_median); b_rss=$(printf '%s' "${rss[baseline]}" | kube_median)
    off_ms=$(printf '%s' "${ms[off]}" | kube_median); off_rss=$(printf '%s' "${rss[off]}" | kube_median)
    on_ms=$(printf '%s' "${ms[on]}" | kube_median); on_rss=$(printf '%s' "${rss[on]}" | kube_median)
    echo "medians of $runs native starts (exec to /readyz 200; RSS 3 s after): baseline $b_ms ms $((b_rss / 1024)) MiB," \
        "off $off_ms ms $((off_rss / 1024)) MiB, on $on_ms ms $((on_rss / 1024)) MiB"
    local status=0
    bench_result kube_off_start_ms "$off_ms" ms "$b_ms" "<=$((b_ms * 110 / 100))" || status=1
    bench_result kube_off_rss_mib $((off_rss / 1024)) MiB $((b_rss / 1024)) "<=$((b_rss / 1024 + 4))" || status=1
    bench_result kube_on_start_ms "$on_ms" ms "$off_ms" "<=$((off_ms * 110 / 100))" || status=1
    bench_result kube_on_rss_mib $((on_rss / 1024)) MiB $((off_rss / 1024)) "<=$((off_rss / 1024 + 64))" || status=1
    return "$status"
}

# The classes a daemon without a kubernetes section loads from the module or the client: none.
kube_classes_when_off() {
    local ns=$1 dir=$2 pid n
    rm -rf "$dir/state" "$dir/s.sock"
    ip netns exec "$ns" java -XX:+UseSerialGC -Xlog:class+load=info:file="$dir/classes.log" \
        -Dvmnetd.kube.jar="$PWD/kube/target/vmnetd-kube.jar" -jar daemon/target/vmnetd.jar --config "$dir/off.yaml" \
        >>"$dir/daemon.log" 2>&1 &
    pid=$!
    until curl -sf --unix-socket "$dir/s.sock" http://vmnetd/readyz >/dev/null 2>&1; do sleep 0.05; done
    kill "$pid"; wait "$pid" 2>/dev/null || true
    n=$(grep -cE ' (io\.vmnetd\.kube|io\.fabric8|tools\.jackson)\.' "$dir/classes.log" || true)
    bench_result kube_off_module_classes "$n" classes 0 "<=0"
}
