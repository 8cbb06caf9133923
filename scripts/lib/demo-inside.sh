#!/usr/bin/env bash
# The demo, run by scripts/demo inside `scripts/lab --systemd` (a real kernel with 802.1Q, VLAN filtering and
# bonding, and systemd as PID 1): a node with two NICs cabled to a switch, the vmnetd package installed and run by
# systemd, two VMs on VLAN 100 and one untagged attached through the real CNI shim, vmnetctl's views, a ping,
# drift repaired live, and everything removed at the end.
# Usage: demo-inside.sh PACKAGE.deb
set -euo pipefail
cd "$(dirname "$0")/../.."
DEB=${1:?usage: demo-inside.sh PACKAGE.deb}
START=$SECONDS
# Under the lab's emulated CPU the JVM's interpreter alone starts vmnetctl faster than with its compiler.
export VMNETCTL_JAVA_OPTS=-Xint
step() { printf '\n\033[1;34m== %s\033[0m  \033[2m(%ss)\033[0m\n' "$*" "$((SECONDS - START))"; }
cmd() { printf '\033[2m$ %s\033[0m\n' "$*"; }
show() { cmd "$@"; "$@"; }

step "a node: NICs eth1 and eth2 cabled to a switch (a VLAN-aware bridge in namespace 'switch')"
ip netns add switch
ip -n switch link add sw type bridge vlan_filtering 1
ip -n switch link set sw up
for i in 1 2; do
    ip link add "eth$i" type veth peer name "port$i" netns switch
    ip -n switch link set "port$i" master sw up
    bridge -n switch vlan add dev "port$i" vid 2-4094
    ip link set "eth$i" up
done
show ip -br link show type veth

step "install the package; systemd starts vmnetd (its config declares only the built-in mgmt network)"
rm -f /var/lib/man-db/auto-update    # no man-db index rebuild for a throwaway root
cmd dpkg -i "$DEB"
dpkg -i "$DEB" | grep -E '^(Unpacking|Setting up)'
show systemctl is-active vmnetd
show vmnetctl status

step "declare a cluster network 'data' (a bond of eth1+eth2 under a VLAN-filtering bridge) and two VM networks"
cp scripts/lib/demo.yaml /etc/vmnetd/vmnetd.yaml
sed -n '/^clusterNetworks:/,$p' /etc/vmnetd/vmnetd.yaml
show vmnetctl apply -f /etc/vmnetd/vmnetd.yaml --dry-run
show systemctl reload vmnetd
for _ in $(seq 60); do bridge -j vlan show dev data-bo 2>/dev/null | grep -q '"vlan":100' && break; sleep 0.5; done
show vmnetctl networks

step "three VMs through the CNI shim /opt/cni/bin/vmnet, as a runtime runs it: vm1 and vm2 on VLAN 100, vm3 untagged"
attach() {    # NAME NETWORK ADDRESS
    ip netns add "$1"
    printf '{"cniVersion":"1.0.0","name":"%s","type":"vmnet","network":"%s","ipam":{"type":"static","addresses":[{"address":"%s"}]}}' \
        "$2" "$2" "$3" |
        CNI_COMMAND=ADD CNI_CONTAINERID="$1" CNI_NETNS="/run/netns/$1" CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni \
        /opt/cni/bin/vmnet | jq -c '{interfaces: [.interfaces[].name], ips: [.ips[].address]}'
}
attach vm1 vlan100 10.0.100.11/24
attach vm2 vlan100 10.0.100.12/24
attach vm3 native 10.0.100.13/24
show vmnetctl ports
show vmnetctl links

step "vm1 pings vm2 on VLAN 100; vm3, untagged on the same subnet, cannot be reached from VLAN 100"
show ip netns exec vm1 busybox ping -c 2 -W 2 10.0.100.12
if ip netns exec vm1 busybox ping -c 1 -W 1 10.0.100.13 >/dev/null 2>&1; then
    echo "vm3 answered: VLANs do not separate them!"
    exit 1
fi
echo "vm3: no answer (another VLAN), as it should be"

step "drift: someone removes VLAN 100 from the uplink by hand; vmnetd puts it back"
show bridge vlan del dev data-bo vid 100
sleep 1
show vmnetctl links data-bo
show journalctl -u vmnetd VMNETD_DRIFT=vlans -o cat --no-pager -n 1
show vmnetctl status

step "remove everything: the VMs (CNI DEL), the package (purge; vmnetd never deletes links when it stops), the links"
for vm in vm1 vm2 vm3; do
    printf '{"cniVersion":"1.0.0","name":"x","type":"vmnet","network":"vlan100","ipam":{"type":"static","addresses":[]}}' |
        CNI_COMMAND=DEL CNI_CONTAINERID="$vm" CNI_NETNS="/run/netns/$vm" CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni \
        /opt/cni/bin/vmnet
    ip netns del "$vm"
done
cmd dpkg -P vmnetd
dpkg -P vmnetd | grep -E '^(Removing|Purging)'
show ip -br link show master data-br
ip link del data-br
ip link del data-bo
ip link del eth1
ip link del eth2
ip netns del switch
show ip -br link
step "demo done"
