#!/usr/bin/env bash
# The demo, run inside scripts/lab: a node with veth-backed NICs wired to a "switch" namespace, vmnetd
# configured from scripts/lib/demo.yaml, two pods on VLAN 100 attached through the real CNI shim, and
# self-healing after hand-made drift.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
SOCK=/run/vmnetd/vmnetd.sock
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
api() { curl -s --unix-socket "$SOCK" "http://vmnetd$1"; echo; }

step "the node's NICs: eth1..eth3, wired to a switch (a VLAN-filtering bridge in namespace 'switch')"
ip netns add switch
ip -n switch link add sw type bridge vlan_filtering 1
ip -n switch link set sw up
for i in 1 2 3; do
    ip link add "eth$i" type veth peer name "sw$i" netns switch
    ip -n switch link set "sw$i" master sw up
    bridge -n switch vlan add dev "sw$i" vid 2-4094
done
mkdir -p /etc/vmnetd && cp scripts/lib/demo.yaml /etc/vmnetd/vmnetd.yaml
cat /etc/vmnetd/vmnetd.yaml

step "start vmnetd (java -jar daemon/target/vmnetd.jar)"
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar daemon/target/vmnetd.jar --config /etc/vmnetd/vmnetd.yaml &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null || true' EXIT
for _ in $(seq 120); do api /readyz 2>/dev/null | grep -q '"ready":true' && break; sleep 1; done
api /readyz

step "what vmnetd built: bridges (vlan_filtering 1), bonds, NICs, MTUs"
ip -d -br link show | grep -E 'data|storage|eth'
ip -j -d link show data-br | grep -o '"vlan_filtering":[0-9]'
step "uplink VLANs: exactly what the VM networks use, in ranges"
bridge -compressvlans vlan show

step "two pods on VLAN 100 through the CNI shim (cni-shim/target/vmnet), static IPAM"
export VMNETD_SOCKET=$SOCK CNI_PATH=/usr/lib/cni
for pod in 1 2; do
    ip netns add "pod$pod"
    echo "{\"cniVersion\":\"1.0.0\",\"name\":\"vlan100\",\"type\":\"vmnet\",\"network\":\"vlan100\",
           \"ipam\":{\"type\":\"static\",\"addresses\":[{\"address\":\"10.0.100.1$pod/24\"}]}}" |
        CNI_COMMAND=ADD CNI_CONTAINERID="pod$pod" CNI_NETNS="/run/netns/pod$pod" CNI_IFNAME=net1 \
        "$REPO/cni-shim/target/vmnet"
    echo
done
bridge -compressvlans vlan show
ip -n pod1 -br addr show dev net1
ip netns exec pod1 busybox ping -c 3 -W 2 10.0.100.12

step "drift: someone deletes a VID and changes an MTU by hand; vmnetd repairs it"
bridge vlan del dev data-bo vid 100
ip link set data-br mtu 1500
sleep 1
ip -br link show data-br
bridge vlan show dev data-bo | head -3
api /v1/status

step "the API: networks and ports"
api /v1/networks
api /v1/ports

step "DEL both pods"
for pod in 1 2; do
    echo '{"cniVersion":"1.0.0","name":"vlan100","type":"vmnet","network":"vlan100",
           "ipam":{"type":"static","addresses":[]}}' |
        CNI_COMMAND=DEL CNI_CONTAINERID="pod$pod" CNI_NETNS="/run/netns/pod$pod" CNI_IFNAME=net1 \
        "$REPO/cni-shim/target/vmnet"
done
ip -br link | grep -c '^vmn' || true
echo "demo done"
