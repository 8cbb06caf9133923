#!/usr/bin/env bash
# The Debian package and its unit under real systemd, in ONE boot of `scripts/lab --systemd` (run by scripts/test):
# install, start/READY, reload (good and bad file), journal fields, CNI ADD with IPAM into pod namespaces under the
# unit's hardening, metrics, capabilities, systemd-analyze security, the watchdog, stop, upgrade, remove, purge.
# Every claim is read back with an independent tool (dpkg-query, systemctl, journalctl, ip, bridge, ping, /proc).
# Usage: systemd-tests.sh OLD.deb NEW.deb   (the same build packaged under two versions, NEW > OLD)
# Prints "ok - NAME" / "not ok - NAME" per test and ends with "N passed, N failed". systemd-analyze's report goes
# to target/systemd/security.txt for the README.
set -uo pipefail
cd "$(dirname "$0")/../.."
OLD=${1:?usage: systemd-tests.sh OLD.deb NEW.deb}
NEW=${2:?usage: systemd-tests.sh OLD.deb NEW.deb}
OUT=target/systemd
mkdir -p "$OUT"
PASS=0
FAIL=0
CURRENT=
WHY=()

# A test is a function; a failed expectation records why and the test goes on, so one run shows every problem.
expect() {
    local what=$1
    shift
    if ! "$@" >/dev/null 2>&1; then
        WHY+=("$what")
    fi
}
run_test() {
    CURRENT=$1
    WHY=()
    local start=$SECONDS
    "test_$1"
    if [[ ${#WHY[@]} -eq 0 ]]; then
        PASS=$((PASS + 1))
        echo "ok - $1 ($((SECONDS - start)) s)"
    else
        FAIL=$((FAIL + 1))
        echo "not ok - $1 ($((SECONDS - start)) s)"
        printf '    %s\n' "${WHY[@]}"
    fi
}
note() { echo "    # $*"; }
contains() { grep -qE -- "$1" <<<"$2"; }    # ERE TEXT

main_pid() { systemctl show -p MainPID --value vmnetd; }
is_active() { [[ $(systemctl show -p ActiveState --value vmnetd) == active ]]; }
active_state() { systemctl show -p ActiveState --value vmnetd; }
# bridge's JSON: the VIDs of one port as "1 100 200", PVID and flags left out.
vids_of() { bridge -j vlan show dev "$1" | jq -r '[.[0].vlans[]? | if .vlanEnd then "\(.vlan)-\(.vlanEnd)" else "\(.vlan)" end] | join(" ")'; }
has_vid() { [[ " $(vids_of "$1") " == *" $2 "* ]]; }
link_table() { ip -j link show | jq -r '.[] | "\(.ifindex) \(.ifname) \(.master // "-")"' | sort; }
journal_json() { journalctl -u vmnetd -o json --no-pager --since "@$1"; }
wait_for() {    # SECONDS COMMAND...: polls every 0.5 s
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [[ $SECONDS -ge $deadline ]] && return 1
        sleep 0.5
    done
}

write_config() {    # EXTRA_VM_NETWORK_YAML
    cat >/etc/vmnetd/vmnetd.yaml <<EOF
# written by systemd-tests.sh
socket: /run/vmnetd/vmnetd.sock
socketGroup: ${GROUP:-root}
stateDir: /var/lib/vmnetd
logLevel: info
clusterNetworks:
  - name: data
    mtu: 1500
    uplink:
      nics: [eth1, eth2]
      bond: {mode: active-backup, miimon: 100}
vmNetworks:
  - {name: vlan100, clusterNetwork: data, type: L2VlanNetwork, vlan: 100}
  - {name: native, clusterNetwork: data, type: UntaggedNetwork}
${1:-}
EOF
}

# The node: NICs eth1 and eth2, veth pairs whose far ends are ports of a VLAN-aware "switch" in namespace vmnsw.
topology_up() {
    ip netns add vmnsw
    ip -n vmnsw link add sw type bridge vlan_filtering 1
    ip -n vmnsw link set sw up
    for i in 1 2; do
        ip link add "eth$i" type veth peer name "sw$i" netns vmnsw
        ip -n vmnsw link set "sw$i" master sw up
        bridge -n vmnsw vlan add dev "sw$i" vid 2-4094
        ip link set "eth$i" up
    done
    # Where host-local IPAM keeps its leases; the unit makes it writable only if it exists.
    mkdir -p /var/lib/cni
}

cni() {    # COMMAND POD IPAM_JSON: runs the installed shim as a runtime does
    echo "{\"cniVersion\":\"1.0.0\",\"name\":\"vlan100\",\"type\":\"vmnet\",\"network\":\"vlan100\",\"ipam\":$3}" |
        CNI_COMMAND=$1 CNI_CONTAINERID="$2-container" CNI_NETNS="/run/netns/$2" CNI_IFNAME=net1 \
        CNI_PATH=/opt/cni/bin:/usr/lib/cni /opt/cni/bin/vmnet
}

# The lab's CPU is emulated (and shared): a JVM that starts in a second on a node can take a minute or two there,
# longer than systemd's default start timeout (90 s). Only that changes.
lab_timeouts() {
    mkdir -p /etc/systemd/system/vmnetd.service.d
    printf '%s\n' '[Service]' 'TimeoutStartSec=600' >/etc/systemd/system/vmnetd.service.d/lab-timeouts.conf
}

test_install() {
    T0=$(date +%s)
    lab_timeouts
    # man-db's index is not rebuilt for one test package: on the emulated CPU it takes minutes.
    rm -f /var/lib/man-db/auto-update
    dpkg -i "$OLD" >"$OUT/install.log" 2>&1
    expect "dpkg -i exits 0 (see $OUT/install.log)" test $? -eq 0
    expect "dpkg says installed" test "$(dpkg-query -W -f '${Status}' vmnetd)" = "install ok installed"
    expect "the config is a conffile" contains '/etc/vmnetd/vmnetd.yaml' "$(dpkg-query -W -f '${Conffiles}' vmnetd)"
    expect "launchers installed" test -x /usr/bin/vmnetd -a -x /usr/bin/vmnetctl
    expect "the shim in /usr/lib/cni" test -x /usr/lib/cni/vmnet
    expect "/opt/cni/bin/vmnet is the same shim" test "$(readlink -f /opt/cni/bin/vmnet)" = /usr/lib/cni/vmnet
    expect "bash completion" test -s /usr/share/bash-completion/completions/vmnetctl
    expect "zsh completion" grep -q '^#compdef vmnetctl' /usr/share/zsh/vendor-completions/_vmnetctl
    expect "man pages" test -s /usr/share/man/man1/vmnetctl.1.gz -a -s /usr/share/man/man8/vmnetd.8.gz
    expect "postinst enabled the unit" test "$(systemctl is-enabled vmnetd)" = enabled
    expect "postinst started it" test "$(active_state)" = active
    expect "postinst found the package's CDS archives usable with this JRE" \
        test "$(readlink /var/cache/vmnetd/vmnetd.jsa) $(readlink /var/cache/vmnetd/vmnetctl.jsa)" = \
        "/usr/lib/vmnetd/vmnetd.jsa /usr/lib/vmnetd/vmnetctl.jsa"
    expect "the daemon runs with it" contains 'SharedArchiveFile=/var/cache/vmnetd/vmnetd.jsa' \
        "$(tr '\0' ' ' </proc/"$(main_pid)"/cmdline)"
    expect "the shipped config declares only mgmt" grep -qx 'clusterNetworks: \[\]' /etc/vmnetd/vmnetd.yaml
    local status
    status=$(vmnetctl status)
    expect "vmnetctl status exits 0 and says ready (got: $status)" contains 'ready: +yes' "$status"
}

test_start_returns_when_ready() {
    systemctl stop vmnetd
    topology_up
    write_config
    local t=$SECONDS t0
    t0=$(date +%s)
    systemctl start vmnetd
    expect "systemctl start exits 0" test $? -eq 0
    # Type=notify: "active" only after READY=1; the networks must be there the moment start returns.
    expect "active as soon as start returns" test "$(active_state)" = active
    expect "data-br exists with vlan_filtering 1" \
        test "$(ip -j -d link show data-br | jq '.[0].linkinfo.info_data.vlan_filtering')" = 1
    expect "data-bo is a port of data-br" test "$(ip -j link show data-bo | jq -r '.[0].master')" = data-br
    expect "VLAN 100 on the uplink" has_vid data-bo 100
    expect "eth1 and eth2 in the bond" test "$(ip -j link show master data-bo | jq -r '[.[].ifname] | sort | join(" ")')" = "eth1 eth2"
    expect "the journal has READY before start returned" contains '"MESSAGE":"INFO Daemon: ready"' "$(journal_json "$t0")"
    note "systemctl start took $((SECONDS - t)) s"
}

test_reload() {
    write_config "  - {name: vlan200, clusterNetwork: data, type: L2VlanNetwork, vlan: 200}"
    local t=$SECONDS pid
    pid=$(main_pid)
    systemctl reload vmnetd
    expect "systemctl reload exits 0" test $? -eq 0
    if has_vid data-bo 200; then
        note "VLAN 200 was there when reload returned"
    fi
    expect "VLAN 200 on the uplink after reload" wait_for 60 has_vid data-bo 200
    expect "same process (reloaded, not restarted)" test "$(main_pid)" = "$pid"
    note "reload to VLAN 200 took $((SECONDS - t)) s"
}

refused_in_journal() { journal_json "$SINCE" | jq -r .MESSAGE | grep -q 'reload refused.*vmNetworks\[2\]\.vlan'; }

test_reload_bad_file_keeps_running() {
    local pid before
    SINCE=$(date +%s)
    pid=$(main_pid)
    before=$(vids_of data-bo)
    cp /etc/vmnetd/vmnetd.yaml "$OUT/good.yaml"
    write_config "  - {name: bad, clusterNetwork: data, type: L2VlanNetwork, vlan: 5000}"
    systemctl reload vmnetd
    expect "refused reload: the journal says why, naming the field" wait_for 60 refused_in_journal
    expect "still active, same process" test "$(active_state)/$(main_pid)" = "active/$pid"
    expect "systemctl status shows the error" contains 'reload refused' "$(systemctl status vmnetd --no-pager -n 20)"
    expect "the refusal is a warning (PRIORITY 4)" \
        contains '"4"' "$(journal_json "$SINCE" | jq -c 'select(.MESSAGE | test("reload refused")) | .PRIORITY')"
    expect "VLANs unchanged" test "$(vids_of data-bo)" = "$before"
    cp "$OUT/good.yaml" /etc/vmnetd/vmnetd.yaml
    systemctl reload vmnetd
}

test_cni_ipam_and_metrics_under_hardening() {
    ip netns add pod1
    ip netns add pod2
    local a b
    a=$(cni ADD pod1 '{"type":"static","addresses":[{"address":"10.0.100.11/24"}]}')
    expect "ADD with static IPAM into pod1 exits 0 (got: $a)" test $? -eq 0
    b=$(cni ADD pod2 '{"type":"host-local","subnet":"10.0.100.0/24","rangeStart":"10.0.100.50","rangeEnd":"10.0.100.60"}')
    expect "ADD with host-local IPAM into pod2 exits 0 (got: $b)" test $? -eq 0
    expect "pod1 has its address" contains '10\.0\.100\.11/24' "$(ip -n pod1 -br addr show dev net1)"
    expect "host-local leased from its range" contains '10\.0\.100\.(5[0-9]|60)/24' "$(ip -n pod2 -br addr show dev net1)"
    expect "host-local wrote its lease under /var/lib/cni" test -n "$(ls /var/lib/cni/networks/vlan100 2>/dev/null)"
    local port
    port=$(jq -r '.interfaces[1].name' <<<"$a")    # the bridge, the host port, the pod's interface
    expect "pod1's host port is on data-br" test "$(ip -j link show "$port" | jq -r '.[0].master')" = data-br
    expect "pod1's host port has VLAN 100 as PVID, untagged" \
        test "$(bridge -j vlan show dev "$port" | jq -c '[.[0].vlans[] | select(.flags) | .vlan]')" = "[100]"
    local peer
    peer=$(ip -n pod2 -j addr show dev net1 | jq -r '.[0].addr_info[] | select(.family == "inet") | .local')
    expect "pod1 pings pod2 ($peer) across the bridge" ip netns exec pod1 busybox ping -c 2 -W 2 "$peer"
    expect "the journal has the ADD with its port" contains "\"$port\"" \
        "$(journal_json "$T0" | jq -c 'select(.VMNETD_CNI_COMMAND == "ADD") | .VMNETD_PORT')"
    expect "metrics count the ADDs" contains '^vmnetd_cni_requests_total\{.*command="ADD".*result="ok".*\} 2' \
        "$(curl -s --unix-socket /run/vmnetd/vmnetd.sock http://vmnetd/metrics)"
    expect "vmnetctl ports lists both" test "$(vmnetctl ports --no-headers | wc -l)" = 2
    cni DEL pod1 '{"type":"static","addresses":[{"address":"10.0.100.11/24"}]}' >/dev/null
    expect "DEL pod1 exits 0" test $? -eq 0
    cni DEL pod2 '{"type":"host-local","subnet":"10.0.100.0/24","rangeStart":"10.0.100.50","rangeEnd":"10.0.100.60"}' >/dev/null
    expect "DEL pod2 exits 0" test $? -eq 0
    expect "the host ports are gone" test -z "$(ip -br link show master data-br | grep '^vmn')"
    ip netns del pod1
    ip netns del pod2
}

repair_in_journal() {
    journal_json "$SINCE" | jq -r 'select(.VMNETD_DRIFT) | "\(.VMNETD_NETWORK) \(.VMNETD_DRIFT) \(.PRIORITY)"' |
        grep -qx 'data vlans 6'
}

test_drift_in_the_journal() {
    SINCE=$(date +%s)
    bridge vlan del dev data-bo vid 100
    expect "VLAN 100 back on the uplink" wait_for 30 has_vid data-bo 100
    expect "the repair is in the journal with its network and drift kind" wait_for 10 repair_in_journal
}

# Capabilities by bit number (linux/capability.h).
declare -A CAP=([chown]=0 [dac_override]=1 [net_bind_service]=10 [net_raw]=13 [net_admin]=12 [sys_module]=16
    [sys_ptrace]=19 [sys_admin]=21)
has_cap() { (( (16#$1 >> CAP[$2]) & 1 )); }

test_capabilities() {
    local eff
    eff=$(awk '/^CapEff/ {print $2}' "/proc/$(main_pid)/status")
    note "CapEff $eff: $(capsh --decode="$eff" | cut -d= -f2)"
    expect "CAP_NET_ADMIN granted (netlink changes)" has_cap "$eff" net_admin
    expect "CAP_SYS_ADMIN granted (setns into pods)" has_cap "$eff" sys_admin
    expect "CAP_NET_RAW granted (the connectivity probe's ICMP socket)" has_cap "$eff" net_raw
    expect "CAP_NET_BIND_SERVICE granted (DHCP clients bind port 68)" has_cap "$eff" net_bind_service
    for cap in sys_ptrace dac_override sys_module; do
        expect "CAP_${cap^^} not granted" bash -c "! (( (16#$eff >> ${CAP[$cap]}) & 1 ))"
    done
    # What the process has is what the unit bounds it to, nothing more.
    local bound
    bound=$(systemctl show -p CapabilityBoundingSet --value vmnetd | tr ' ' '\n' | sort | paste -sd' ')
    expect "CapEff equals the unit's CapabilityBoundingSet ($bound)" \
        test "$(capsh --decode="$eff" | cut -d= -f2 | tr ',' '\n' | sort | paste -sd' ')" = "$bound"
}

test_systemd_analyze_security() {
    systemd-analyze security vmnetd --no-pager >"$OUT/security.txt" 2>&1
    local level
    level=$(sed -n 's/.*Overall exposure level for vmnetd.service: \([0-9.]*\).*/\1/p' "$OUT/security.txt")
    note "exposure $level (report in $OUT/security.txt)"
    expect "systemd-analyze security rates the unit" test -n "$level"
    # Issue 11 measured 4.8 before hardening; the unit must never get worse than that.
    expect "exposure $level <= 4.8" awk -v l="$level" 'BEGIN {exit !(l <= 4.8)}'
}

test_watchdog_restarts_a_stopped_daemon() {
    local pid restarts since t=$SECONDS
    pid=$(main_pid)
    restarts=$(systemctl show -p NRestarts --value vmnetd)
    since=$(date +%s)
    local before
    before=$(link_table)
    kill -STOP "$pid"
    # WatchdogSec=30s: systemd aborts the silent process and restarts it (RestartSec=2s, then a JVM start).
    expect "a new process within 120 s" wait_for 120 bash -c "p=\$(systemctl show -p MainPID --value vmnetd); [ \"\$p\" != 0 ] && [ \"\$p\" != $pid ]"
    expect "NRestarts went up" test "$(systemctl show -p NRestarts --value vmnetd)" -gt "$restarts"
    expect "systemd logged the watchdog timeout" contains '[Ww]atchdog timeout' "$(journalctl -u vmnetd --no-pager --since "@$since")"
    expect "active again" wait_for 300 is_active
    expect "every link as it was (same ifindex, same master)" test "$(link_table)" = "$before"
    note "stopped process to active again: $((SECONDS - t)) s"
}

test_stop_leaves_every_link() {
    local links vlans t=$SECONDS
    links=$(link_table)
    vlans=$(bridge -j vlan show | jq -S -c .)
    systemctl stop vmnetd
    expect "systemctl stop exits 0" test $? -eq 0
    expect "inactive" test "$(active_state)" = inactive
    expect "every link as it was" test "$(link_table)" = "$links"
    expect "every VLAN as it was" test "$(bridge -j vlan show | jq -S -c .)" = "$vlans"
    note "systemctl stop took $((SECONDS - t)) s"
}

test_upgrade_keeps_config_and_links() {
    local sum links
    # An edited conffile (operators of group vmnetops may use the API) that the new version must keep.
    groupadd -f vmnetops
    GROUP=vmnetops write_config "  - {name: vlan200, clusterNetwork: data, type: L2VlanNetwork, vlan: 200}"
    sum=$(md5sum </etc/vmnetd/vmnetd.yaml)
    links=$(link_table)
    dpkg -i "$NEW" >"$OUT/upgrade.log" 2>&1
    expect "dpkg -i of the new version exits 0 (see $OUT/upgrade.log)" test $? -eq 0
    expect "the new version is installed" test "$(dpkg-query -W -f '${Version}' vmnetd)" = "$(dpkg-deb -f "$NEW" Version)"
    expect "the edited conffile is kept" test "$(md5sum </etc/vmnetd/vmnetd.yaml)" = "$sum"
    expect "postinst started it again (it was stopped before the upgrade)" is_active
    expect "every link as it was" test "$(link_table)" = "$links"
    expect "still enabled" test "$(systemctl is-enabled vmnetd)" = enabled
}

as_nobody() { setpriv --reuid=nobody --regid=nogroup "$@" /usr/bin/vmnetctl status; }

test_socket_group_access() {
    local out rc
    out=$(as_nobody --init-groups 2>&1); rc=$?
    expect "not in the group: exit 5 (got $rc)" test "$rc" = 5
    expect "not in the group: told which group to join ($out)" contains "join group 'vmnetops' \\(usermod -aG vmnetops nobody" "$out"
    # What the line says to do, then a new login (--init-groups reads the group database again).
    usermod -aG vmnetops nobody
    out=$(as_nobody --init-groups 2>&1); rc=$?
    expect "a member of the group: exit 0 (got $rc: $out)" test "$rc" = 0
}

test_remove_stops_and_leaves_links() {
    local links
    links=$(link_table)
    dpkg -r vmnetd >"$OUT/remove.log" 2>&1
    expect "dpkg -r exits 0" test $? -eq 0
    expect "the service is stopped" bash -c '! systemctl is-active -q vmnetd'
    # [.]: a pattern that does not match this test's own command line
    expect "no vmnetd process left" bash -c '! pgrep -f "vmnetd/vmnetd[.]jar"'
    expect "every link as it was" test "$(link_table)" = "$links"
    expect "the config stays until purge" test -f /etc/vmnetd/vmnetd.yaml
    expect "the state stays until purge" test -d /var/lib/vmnetd
    expect "the programs are gone" test ! -e /usr/bin/vmnetctl -a ! -e /usr/lib/cni/vmnet -a ! -e /opt/cni/bin/vmnet
}

test_purge_removes_state_and_config() {
    local links
    links=$(link_table)
    dpkg -P vmnetd >"$OUT/purge.log" 2>&1
    expect "dpkg -P exits 0" test $? -eq 0
    expect "dpkg no longer knows it" bash -c '! dpkg-query -W -f "\${Status}" vmnetd 2>/dev/null | grep -q installed'
    expect "/etc/vmnetd removed" test ! -e /etc/vmnetd
    expect "/var/lib/vmnetd removed" test ! -e /var/lib/vmnetd
    expect "/var/cache/vmnetd removed" test ! -e /var/cache/vmnetd
    expect "no enablement link left" test ! -e /etc/systemd/system/multi-user.target.wants/vmnetd.service
    expect "every link as it was" test "$(link_table)" = "$links"
}

# Ordered so that the daemon (a JVM start costs a minute or two here) starts as few times as possible: postinst,
# start, upgrade (after stop: postinst starts it again), watchdog.
for t in install start_returns_when_ready reload reload_bad_file_keeps_running cni_ipam_and_metrics_under_hardening \
    drift_in_the_journal capabilities systemd_analyze_security stop_leaves_every_link upgrade_keeps_config_and_links \
    socket_group_access watchdog_restarts_a_stopped_daemon remove_stops_and_leaves_links purge_removes_state_and_config; do
    run_test "$t"
done
journalctl -u vmnetd --no-pager >"$OUT/journal.txt" 2>&1
echo "$PASS passed, $FAIL failed"
[[ $FAIL -eq 0 ]]
