#!/usr/bin/env bash
# Run by scripts/lib/bench-start.sh in a network and mount namespace of its own (unshare --net --mount):
#   bench-start-inside.sh DIR RUNS RESULTS
# DIR holds the extracted package (DIR/root). The archive works only for the jar at the path it was made for
# (/usr/lib/vmnetd/vmnetd.jar) with its modification time, so an overlay over /usr/lib shows the package's
# /usr/lib/vmnetd there (in this mount namespace only), and DIR/cache gets the link postinst makes.
set -euo pipefail
dir=$1 runs=$2 results=$3
sock=$dir/vmnetd.sock
mount --make-rprivate /
mkdir -p "$dir/upper" "$dir/work" "$dir/cache"
cp -a "$dir/root/usr/lib/vmnetd" "$dir/upper/"
mount -t overlay overlay -o "lowerdir=/usr/lib,upperdir=$dir/upper,workdir=$dir/work" /usr/lib
ip link set lo up
ln -s /usr/lib/vmnetd/vmnetd.jsa "$dir/cache/vmnetd.jsa"
printf 'socket: %s\nstateDir: %s/state\n' "$sock" "$dir" >"$dir/vmnetd.yaml"
export VMNETD_CACHE=$dir/cache VMNETD_JAVA_OPTS=${BENCH_START_JAVA_OPTS:-}
launcher=$dir/root/usr/bin/vmnetd
echo "launcher: $(grep -o 'exec "$JAVA".*' "$launcher" | head -n1) ..."
echo "extra options (BENCH_START_JAVA_OPTS): ${VMNETD_JAVA_OPTS:-none}"

# The archive must really be used: -Xshare:on makes the JVM refuse to start without it.
if ! VMNETD_JAVA_OPTS="$VMNETD_JAVA_OPTS -Xshare:on" "$launcher" --version >"$dir/share-check.log" 2>&1; then
    echo "the package's CDS archive is not usable here:"; cat "$dir/share-check.log"; exit 1
fi

# One start: prints the milliseconds from the exec until GET /readyz answered ready, and the CPU time (user + system,
# ms) the daemon had used by then, which a loaded machine changes less than the wall time. The socket file is looked
# for without spawning anything; then curl asks every 5 ms.
one_start() {
    local t0 t1 pid cpu
    rm -rf "$dir/state" "$sock"
    t0=$(date +%s%N)
    "$launcher" --config "$dir/vmnetd.yaml" >>"$dir/daemon.log" 2>&1 &
    pid=$!
    until [[ -S $sock ]] && curl -s --unix-socket "$sock" http://vmnetd/readyz 2>/dev/null | grep -q '"ready":true'; do
        kill -0 "$pid" 2>/dev/null || { echo "the daemon exited:"; tail -20 "$dir/daemon.log"; return 1; }
        sleep 0.005
    done
    t1=$(date +%s%N)
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat")
    if [[ ${RSS:-0} = 1 ]]; then
        sleep 3
        echo "rss $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") kB, threads $(awk '/Threads/ {print $2}' "/proc/$pid/status")" >&2
    fi
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo "$(((t1 - t0) / 1000000)) $cpu"
}

for _ in 1 2; do one_start >/dev/null; done
walls=() cpus=()
for ((i = 0; i < runs; i++)); do
    r=$(one_start) || { echo "$r"; exit 1; }
    walls+=("${r% *}") cpus+=("${r#* }")
done
sorted=$(printf '%s\n' "${walls[@]}" | sort -n)
median=$(awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}' <<<"$sorted")
echo "exec to ready, $runs starts (ms, sorted): $(paste -sd' ' <<<"$sorted")"
echo "CPU time used by then (ms, sorted): $(printf '%s\n' "${cpus[@]}" | sort -n | paste -sd' ')"
RSS=1 one_start >/dev/null

# Where a start goes: one more, logging each class as it is loaded (with the JVM's uptime); per library, when its
# first and last class came and how many, and how many classes did not come from the CDS archive.
VMNETD_JAVA_OPTS="$VMNETD_JAVA_OPTS -Xlog:class+load=info:file=$dir/classes.log:uptime" one_start >/dev/null
echo "one start, classes by library (JVM uptime in s of the first and last; they overlap: threads start in parallel):"
awk '{t = substr($1, 2, length($1) - 3) + 0; split($2, p, "."); k = p[1] "." p[2]
      if ($2 ~ /^io\.vmnetd\./) k = "io.vmnetd." p[3]
      if (!(k in first)) { first[k] = t; order[++n] = k }
      last[k] = t; count[k]++; if ($0 !~ /shared objects file/) own[k]++ }
     END { for (i = 1; i <= n; i++) { k = order[i]; if (count[k] >= 15)
           printf "  %-22s %6.3f .. %6.3f  %4d classes, %3d not from the archive\n", k, first[k], last[k], count[k], own[k] } }' \
    "$dir/classes.log"
echo "daemon.ready.native.ms $median ms - <=500" >"$results"
