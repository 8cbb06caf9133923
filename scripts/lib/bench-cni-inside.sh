#!/usr/bin/env bash
# The CNI bench, run inside scripts/lab by scripts/lib/bench-cni.sh. One node, two sides built alike:
#   vmnet: vmnetd's cluster network "data" (data-br, vlan_filtering, bond data-bo over the veth-backed NIC eth1)
#          with VM network vlan100; pods attached by the package's shim, installed as /usr/lib/cni/vmnet
#   ref:   ref-br (vlan_filtering) with bond ref-bo over the veth-backed NIC eth2 carrying VLAN 100, made here;
#          pods attached by the reference plugin /usr/lib/cni/bridge
# Both NICs are wired to a "switch" namespace. The pods' namespaces (cnib<side>-0..N-1 for side vmnet and ref) are
# made before anything is timed;
# the timing is io.vmnetd.daemon.bench.CniBench's (arguments: passed on). Then, on vmnet alone, the scaling phase:
# 10, 100 and 1000 pods (namespaces cnibscale-*; BENCH_CNI_SCALE: other levels, "none": no scaling phase).
# vmnetd runs as the package installs it: BENCH_CNI_DEB (the .deb) extracted into the lab's throwaway root, its
# launcher /usr/bin/vmnetd with its flags and its CDS archive linked as postinst links it, plus native memory
# tracking (summary) for the report and BENCH_CNI_DAEMON_OPTS; its shim goes beside the reference plugin, so that
# both are exec'd from the lab's root. (The repository is shared into the lab over 9p with cache=mmap, which reads
# a binary again at every exec: the shim run from cni-shim/target took 36 ms p50 per VERSION against 7 ms from the
# root.) Everything is removed afterwards.
# BENCH_CNI_PROFILE=1: a Java Flight Recording of the daemon during the bench (started once it is ready), summed up
# by io.vmnetd.daemon.bench.CniProfile into target/bench/cni-profile.txt (the recording: target/bench/cni-vmnetd.jfr).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=200    # CniBench's --n: the namespaces per side
SCALE=${BENCH_CNI_SCALE:-10,100,1000}    # CniBench's --scale
SAMPLES=50                               # CniBench's --scale-samples
prev=
for a in "$@"; do
    [[ $a = --smoke ]] && { N=10; SCALE=${BENCH_CNI_SCALE:-2,5}; SAMPLES=3; }
    [[ $prev = --n ]] && N=$a
    prev=$a
done
SCALE_NS=0    # the scaling phase's namespaces: its last level, and the samples after it
[[ $SCALE != none ]] && SCALE_NS=$((${SCALE##*,} + SAMPLES))
PREFIX=cnib
STATE=$(mktemp -d /tmp/vmnetd-bench-cni.XXXXXX)
LOG=target/bench/cni-daemon.log    # vmnetd's log, kept
mkdir -p target/bench
SOCK=/run/vmnetd/vmnetd.sock    # the shim's default: the runtime passes no socket
daemon=
installed=    # set once the package's files are in the lab's root

cleanup() {
    set +e
    [[ -n $daemon ]] && { kill "$daemon"; wait "$daemon"; } 2>/dev/null
    ip netns list | awk -v p="^$PREFIX(vmnet|ref|scale)-[0-9]+$" '$1 ~ p {print "netns del " $1}' | ip -batch - 2>/dev/null
    ip link del ref-br 2>/dev/null
    ip link del ref-bo 2>/dev/null
    ip link del data-br 2>/dev/null
    ip link del data-bo 2>/dev/null
    for i in 1 2; do ip link del "eth$i" 2>/dev/null; done
    ip netns del switch 2>/dev/null
    [[ -n $installed ]] && rm -rf /usr/lib/vmnetd /usr/bin/vmnetd /usr/lib/cni/vmnet
    rm -rf "$STATE"
}
trap cleanup EXIT

echo "== node: NICs eth1 (vmnetd) and eth2 (reference) wired to a VLAN-filtering switch"
ip netns add switch
ip -n switch link add sw type bridge vlan_filtering 1
ip -n switch link set sw up
for i in 1 2; do
    ip link add "eth$i" type veth peer name "sw$i" netns switch
    ip -n switch link set "sw$i" master sw up
    bridge -n switch vlan add dev "sw$i" vid 2-4094
done

cat >"$STATE/vmnetd.yaml" <<EOF
socket: $SOCK
stateDir: $STATE/state
logLevel: warn
clusterNetworks:
  - name: data
    uplink:
      nics: [eth1]
      bond: {mode: active-backup, miimon: 100}
vmNetworks:
  - name: vlan100
    clusterNetwork: data
    type: L2VlanNetwork
    vlan: 100
EOF

echo "== vmnetd as packaged: ${BENCH_CNI_DEB:-} into the lab's root (state in $STATE)"
[[ -f ${BENCH_CNI_DEB:-} ]] || { echo "BENCH_CNI_DEB (the package) is not set or missing" >&2; exit 2; }
# Only its jar, archive and launcher, with their modification times (which the archive checks); the whole tree
# over / would replace the root's /lib symlink by the package's lib/systemd directory.
dpkg-deb -x "$BENCH_CNI_DEB" "$STATE/pkg"
[[ -e /usr/lib/vmnetd || -e /usr/bin/vmnetd || -e /usr/lib/cni/vmnet ]] &&
    { echo "vmnetd is installed here already: not in the lab?" >&2; exit 2; }
installed=1
cp -a "$STATE/pkg/usr/lib/vmnetd" /usr/lib/ && cp -a "$STATE/pkg/usr/bin/vmnetd" /usr/bin/vmnetd &&
    cp -a "$STATE/pkg/usr/lib/cni/vmnet" /usr/lib/cni/vmnet ||
    { echo "cannot install the package's files into the lab's root" >&2; exit 2; }
# As postinst: the package's archive with the JRE that made it, else one dumped from its class list.
mkdir -p "$STATE/cache"
if [[ $(cat /usr/lib/vmnetd/cds-jre-version) = $(dpkg-query -W -f '${Version}' openjdk-17-jre-headless:amd64) ]]; then
    ln -s /usr/lib/vmnetd/vmnetd.jsa "$STATE/cache/vmnetd.jsa"
else
    java -Xshare:dump -XX:SharedClassListFile=/usr/lib/vmnetd/vmnetd.classlist \
        -XX:SharedArchiveFile="$STATE/cache/vmnetd.jsa" -cp /usr/lib/vmnetd/vmnetd.jar >/dev/null
fi
# Should the JVM crash, its report goes next to the log, complete (writing it takes minutes under TCG).
rm -f target/bench/cni-vmnetd-crash-*.log
DAEMON_OPTS="-XX:NativeMemoryTracking=summary -XX:ErrorFile=$PWD/target/bench/cni-vmnetd-crash-%p.log"
DAEMON_OPTS+=" -XX:ErrorLogTimeout=300 ${BENCH_CNI_DAEMON_OPTS:-}"
echo "   $(grep -o 'exec "$JAVA".*' /usr/bin/vmnetd | head -n1) ... plus $DAEMON_OPTS"
VMNETD_CACHE=$STATE/cache VMNETD_JAVA_OPTS=$DAEMON_OPTS /usr/bin/vmnetd --config "$STATE/vmnetd.yaml" >"$LOG" 2>&1 &
daemon=$!
for _ in $(seq 180); do
    curl -s --unix-socket "$SOCK" http://vmnetd/readyz 2>/dev/null | grep -q '"ready":true' && break
    kill -0 "$daemon" 2>/dev/null || { cat "$LOG"; echo "vmnetd exited" >&2; exit 2; }
    sleep 1
done
curl -s --unix-socket "$SOCK" http://vmnetd/readyz | grep -q '"ready":true' || {
    cat "$LOG"; echo "vmnetd not ready after 180 s" >&2; exit 2; }

echo "== reference side: ref-br (vlan_filtering 1) with bond ref-bo over eth2, VLAN 100 on the uplink"
ip link add ref-bo type bond mode active-backup miimon 100
ip link set eth2 down
ip link set eth2 master ref-bo
ip link add ref-br type bridge vlan_filtering 1
ip link set ref-bo master ref-br
bridge vlan add dev ref-bo vid 100
ip link set eth2 up
ip link set ref-bo up
ip link set ref-br up
ip -d -br link show | grep -E '^(data|ref)-(br|bo)|^eth[12]' || true
bridge -compressvlans vlan show dev data-bo
bridge -compressvlans vlan show dev ref-bo

echo "== $N pod namespaces per side, $SCALE_NS for the scaling phase"
{
    for side in vmnet ref; do
        for i in $(seq 0 $((N - 1))); do echo "netns add $PREFIX$side-$i"; done
    done
    for ((i = 0; i < SCALE_NS; i++)); do echo "netns add ${PREFIX}scale-$i"; done
} | ip -batch -

PROFILE=${BENCH_CNI_PROFILE:-0}
if [[ $PROFILE = 1 ]]; then
    echo "== profiling vmnetd (JFR: CPU samples every 10 ms; every sleep, park and fsync)"
    sed -e 's|control="locking-threshold">[^<]*<|control="locking-threshold">0 ms<|' \
        -e 's|control="file-threshold">[^<]*<|control="file-threshold">0 ms<|' \
        "$(dirname "$(readlink -f "$(command -v java)")")/../lib/jfr/profile.jfc" >"$STATE/cni.jfc"
    rm -f target/bench/cni-vmnetd.jfr
    jcmd "$daemon" JFR.start name=cni settings="$STATE/cni.jfc" >/dev/null
fi

echo "== CniBench"
status=0
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djdk.lang.Process.launchMechanism=VFORK \
    -cp "daemon/target/test-classes:$(cat daemon/target/test-classpath.txt)" io.vmnetd.daemon.bench.CniBench \
    --vmnet /usr/lib/cni/vmnet --ref /usr/lib/cni/bridge --socket "$SOCK" --netns-prefix "$PREFIX" \
    --scale "$SCALE" --scale-samples "$SAMPLES" --daemon-pid "$daemon" --results target/bench/cni.results \
    "$@" || status=$?

if ! kill -0 "$daemon" 2>/dev/null; then
    echo "== vmnetd DIED during the bench; its log ($LOG) ends:"
    tail -20 "$LOG"
    ls target/bench/cni-vmnetd-crash-*.log 2>/dev/null || true
    wait "$daemon" 2>/dev/null || true
    daemon=
    status=2
elif [[ $PROFILE = 1 ]]; then
    calls=$(curl -s --unix-socket "$SOCK" http://vmnetd/metrics |
        awk '/^vmnetd_cni_requests_total/ {n += $NF} END {printf "%d", n}')
    jcmd "$daemon" JFR.dump name=cni filename="$PWD/target/bench/cni-vmnetd.jfr" >/dev/null
    echo "== where vmnetd's time went ($calls CNI calls; target/bench/cni-profile.txt)"
    java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp daemon/target/test-classes \
        io.vmnetd.daemon.bench.CniProfile target/bench/cni-vmnetd.jfr "$calls" | tee target/bench/cni-profile.txt
fi
if grep -qE 'SEVERE|WARNING' "$LOG"; then
    echo "== vmnetd's warnings during the bench ($LOG)"
    grep -E 'SEVERE|WARNING' "$LOG" | head -20
fi
exit $status
