#!/usr/bin/env bash
# The CNI bench, run inside scripts/lab by scripts/lib/bench-cni.sh. One node, two sides built alike:
#   vmnet: vmnetd's cluster network "data" (data-br, vlan_filtering, bond data-bo over the veth-backed NIC eth1)
#          with VM network vlan100; pods attached by cni-shim/target/vmnet
#   ref:   ref-br (vlan_filtering) with bond ref-bo over the veth-backed NIC eth2 carrying VLAN 100, made here;
#          pods attached by the reference plugin /usr/lib/cni/bridge
# Both NICs are wired to a "switch" namespace. The pods' namespaces (cnib<side>-0..N-1 for side vmnet and ref) are
# made before anything is timed;
# the timing is io.vmnetd.daemon.bench.CniBench's (arguments: passed on). Everything is removed afterwards.
# BENCH_CNI_PROFILE=1: a Java Flight Recording of the daemon during the bench (started once it is ready), summed up
# by io.vmnetd.daemon.bench.CniProfile into target/bench/cni-profile.txt (the recording: target/bench/cni-vmnetd.jfr).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=200    # CniBench's --n: the namespaces per side
prev=
for a in "$@"; do
    [[ $a = --smoke ]] && N=10
    [[ $prev = --n ]] && N=$a
    prev=$a
done
PREFIX=cnib
# The daemon as systemd/vmnetd.service starts it; BENCH_CNI_DAEMON_OPTS replaces the JVM options.
read -ra DAEMON_OPTS <<<"${BENCH_CNI_DAEMON_OPTS:--XX:+UseSerialGC}"
STATE=$(mktemp -d /tmp/vmnetd-bench-cni.XXXXXX)
LOG=target/bench/cni-daemon.log    # vmnetd's log, kept
mkdir -p target/bench
SOCK=/run/vmnetd/vmnetd.sock    # the shim's default: the runtime passes no socket
daemon=

cleanup() {
    set +e
    [[ -n $daemon ]] && { kill "$daemon"; wait "$daemon"; } 2>/dev/null
    ip netns list | awk -v p="^$PREFIX(vmnet|ref)-[0-9]+$" '$1 ~ p {print "netns del " $1}' | ip -batch - 2>/dev/null
    ip link del ref-br 2>/dev/null
    ip link del ref-bo 2>/dev/null
    ip link del data-br 2>/dev/null
    ip link del data-bo 2>/dev/null
    for i in 1 2; do ip link del "eth$i" 2>/dev/null; done
    ip netns del switch 2>/dev/null
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

echo "== vmnetd: java ${DAEMON_OPTS[*]} -jar daemon/target/vmnetd.jar (state in $STATE)"
# Should the JVM crash, its report goes next to the log, complete (writing it takes minutes under TCG).
rm -f target/bench/cni-vmnetd-crash-*.log
java "${DAEMON_OPTS[@]}" -XX:ErrorFile="$PWD/target/bench/cni-vmnetd-crash-%p.log" -XX:ErrorLogTimeout=300 \
    -jar daemon/target/vmnetd.jar --config "$STATE/vmnetd.yaml" >"$LOG" 2>&1 &
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

echo "== $N pod namespaces per side"
for side in vmnet ref; do
    for i in $(seq 0 $((N - 1))); do echo "netns add $PREFIX$side-$i"; done
done | ip -batch -

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
    -cp daemon/target/test-classes io.vmnetd.daemon.bench.CniBench \
    --vmnet "$PWD/cni-shim/target/vmnet" --ref /usr/lib/cni/bridge --socket "$SOCK" --netns-prefix "$PREFIX" \
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
