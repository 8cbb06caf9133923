#!/usr/bin/env bash
# vmnetctl end to end on this machine, against a real vmnetd (its jar, an empty config) run in a network namespace of
# its own so that it sees none of this machine's interfaces: every command and output format, colours only on a
# terminal and never with NO_COLOR, --no-headers, the exit codes of a missing and a dead socket, a config file
# refused with file:line:column, bash and zsh completion from the command model, the man page.
# Usage: cli-test.sh VMNETCTL_JAR VMNETD_JAR      Ends with "N passed, N failed"; exit status 0 only if all passed.
set -u
CLI=$(readlink -f "${1:?usage: cli-test.sh VMNETCTL_JAR VMNETD_JAR}")
DAEMON=$(readlink -f "${2:?usage: cli-test.sh VMNETCTL_JAR VMNETD_JAR}")
T=$(mktemp -d /tmp/vmnetctl-test.XXXXXX)
chmod 755 "$T"    # so that the socket's own mode is what stops other users
SOCK=$T/vmnetd.sock
PASS=0
FAIL=0
DPID=

cleanup() {
    [[ -n $DPID ]] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

vmnetctl() { java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -jar "$CLI" --socket "$SOCK" "$@"; }

# check NAME CONDITION...: each condition a bash expression over $rc, $out and $err of the last run.
check() {
    local name=$1 c bad=()
    shift
    for c in "$@"; do
        eval "$c" >/dev/null 2>&1 || bad+=("$c")
    done
    if [[ ${#bad[@]} -eq 0 ]]; then
        PASS=$((PASS + 1))
        echo "ok - $name"
    else
        FAIL=$((FAIL + 1))
        echo "not ok - $name"
        printf '    failed: %s\n' "${bad[@]}"
        printf '    rc=%s\n    out=%s\n    err=%s\n' "$rc" "${out:0:600}" "${err:0:600}"
    fi
}
run() { out=$(vmnetctl "$@" 2>"$T/err"); rc=$?; err=$(<"$T/err"); }

cat >"$T/vmnetd.yaml" <<EOF
socket: $SOCK
stateDir: $T/state
EOF
unshare --net sh -c 'ip link set lo up; exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$0" --config "$1"' \
    "$DAEMON" "$T/vmnetd.yaml" >"$T/daemon.log" 2>&1 &
DPID=$!
for _ in $(seq 300); do
    curl -sf --unix-socket "$SOCK" http://vmnetd/readyz >/dev/null 2>&1 && break
    sleep 0.1
done

run status
check "status: ready, exit 0" '[[ $rc == 0 ]]' '[[ $out == *"ready:           yes"* ]]' '[[ $out == *"last reconcile:  ok"* ]]'
run status -o json
check "status -o json is the API's object" '[[ $rc == 0 ]]' \
    '[[ $(jq -r .ready <<<"$out") == true ]]' '[[ $(jq -r ".lastReconcile.result" <<<"$out") == ok ]]' \
    '[[ $(jq -r .version <<<"$out") == $(curl -s --unix-socket "$SOCK" http://vmnetd/v1/status | jq -r .version) ]]'
run -o yaml status
check "status -o yaml" '[[ $rc == 0 ]]' '[[ $out == *"ready: true"* ]]' '[[ $out == *"lastReconcile:"* ]]'
run networks
check "networks: a header, no network" '[[ $rc == 0 ]]' '[[ $out == "NAME   KIND   CLUSTER   VLANS   MTU   PORTS   STATUS" ]]'
run networks --no-headers
check "networks --no-headers: nothing at all" '[[ $rc == 0 ]]' '[[ -z $out ]]'
run ports -o json
check "ports -o json: an empty list" '[[ $rc == 0 ]]' '[[ $(jq length <<<"$out") == 0 ]]'
run links -o wide
check "links -o wide: header only (no bridge here)" '[[ $rc == 0 ]]' '[[ $out == PORT*STATE ]]'
run links lo
check "links lo: a named link without VLANs is shown with a dash" '[[ $rc == 0 ]]' '[[ $out == *"lo     -        -"* ]]'
run links nosuchlink
check "links of an unknown link: exit 8" '[[ $rc == 8 ]]' '[[ $err == "vmnetctl: no link named nosuchlink on this node" ]]'
run check mgmt
check "check mgmt: ok" '[[ $rc == 0 ]]' '[[ $out == *"result:    ok"* ]]' '[[ $out == *"repaired:  nothing"* ]]'
run check nosuchnet
check "check of an unknown network: exit 8, one line" '[[ $rc == 8 ]]' '[[ $(wc -l <<<"$err") == 1 ]]' \
    '[[ $err == *"no network named \"nosuchnet\""* ]]'
run metrics vmnetd_reconcile
check "metrics PREFIX: only those" '[[ $rc == 0 ]]' '[[ $out == *"vmnetd_reconcile_runs_total"* ]]' '[[ $out != *jvm_* ]]'
run metrics -o json
check "metrics -o json: samples" '[[ $rc == 0 ]]' \
    '[[ $(jq "[.[] | select(.name == \"vmnetd_ports\")][0].value" <<<"$out") == 0 ]]'
run version
check "version: client and daemon" '[[ $rc == 0 ]]' '[[ $out == *"client: "* ]]' '[[ $out == *"daemon: "* ]]'

printf 'socket: %s\nstateDir: %s/state\nlogLevel: debug\n' "$SOCK" "$T" >"$T/same.yaml"
run apply -f "$T/same.yaml" --dry-run
check "apply --dry-run of a config with no networks: no changes" '[[ $rc == 0 ]]' '[[ $out == "no changes: the node already matches"* ]]'
printf 'socket: %s\nstateDir: %s/state\nvmNetworks:\n  - name: x\n    clusterNetwork: mgmt\n    type: L2VlanNetwork\n    vlan: 5000\n  - name: y\n    clusterNetwork: nope\n    type: UntaggedNetwork\n' "$SOCK" "$T" >"$T/bad.yaml"
run apply -f "$T/bad.yaml"
check "apply of a bad file: exit 7, FILE:LINE:COLUMN per problem" '[[ $rc == 7 ]]' \
    '[[ $(grep -c "^vmnetctl: $T/bad.yaml:[0-9]*:[0-9]*: vmNetworks\[" <<<"$err") == 2 ]]' \
    '[[ $err == *"bad.yaml:7:11: vmNetworks[0].vlan: "* ]]'
run apply -f "$T/none.yaml"
check "apply of a missing file: exit 7" '[[ $rc == 7 ]]' '[[ $err == "vmnetctl: $T/none.yaml: no such file" ]]'

# Colours: bold headers and green "ok" on a terminal (script(1) gives one), none with NO_COLOR or through a pipe.
tty_run() { script -qec "$1" /dev/null | tr -d '\r'; }
q=$(printf '%q ' java -jar "$CLI" --socket "$SOCK")
out=$(TERM=xterm tty_run "$q check mgmt"); rc=$?
check "on a terminal: colours" '[[ $out == *$'"'"'\e[1mresult:'"'"'* ]]' '[[ $out == *$'"'"'\e[32mok\e[0m'"'"'* ]]'
out=$(NO_COLOR=1 TERM=xterm tty_run "$q check mgmt"); rc=$?
check "on a terminal with NO_COLOR: none" '[[ $out != *$'"'"'\e['"'"'* ]]' '[[ $out == *"result:    ok"* ]]'
out=$(TERM=xterm vmnetctl check mgmt | cat); rc=$?
check "through a pipe: none" '[[ $out != *$'"'"'\e['"'"'* ]]'
out=$(COLUMNS=40 TERM=xterm tty_run "$q metrics -o table" | head -1); rc=$?
check "COLUMNS does not cut text output that is not a table" '[[ ${#out} -gt 0 ]]'

# The socket's failures, each with its own exit status and one line.
out=$(java -jar "$CLI" --socket "$T/missing.sock" status 2>"$T/err"); rc=$?; err=$(<"$T/err")
check "no socket: exit 4" '[[ $rc == 4 ]]' '[[ $(wc -l <<<"$err") == 1 ]]' '[[ $err == *"no vmnetd socket at $T/missing.sock"* ]]'
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$T/stale.sock"
out=$(java -jar "$CLI" --socket "$T/stale.sock" status 2>"$T/err"); rc=$?; err=$(<"$T/err")
check "a socket nobody listens on: exit 3" '[[ $rc == 3 ]]' '[[ $err == "vmnetctl: vmnetd is not running: "* ]]'
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups java -jar "$CLI" --socket "$SOCK" status 2>"$T/err"); rc=$?; err=$(<"$T/err")
check "not root, not in the socket's group: exit 5, says who may" '[[ $rc == 5 ]]' \
    '[[ $err == "vmnetctl: permission denied on $SOCK: only root may use it"* ]]'
run bogus
check "an unknown command: exit 2" '[[ $rc == 2 ]]' '[[ $err == *"Unmatched argument"*"vmnetctl --help"* ]]'
run --help
check "--help: commands, exit codes, examples" '[[ $rc == 0 ]]' '[[ $out == *"Exit status:"* ]]' '[[ $out == *"Examples:"* ]]' \
    '[[ $out == *"  check "* ]]'

# Completion from the command model: bash directly, zsh through bashcompinit.
java -jar "$CLI" completion bash >"$T/vmnetctl.bash"
complete_bash() {
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
             _complete_vmnetctl 2>/dev/null; printf "%s\n" "${COMPREPLY[@]}"' _ "$T/vmnetctl.bash" "$@"
}
out=$(complete_bash vmnetctl ne); rc=$?
check "bash completes commands" '[[ $out == networks ]]'
out=$(complete_bash vmnetctl status -o ''); rc=$?
check "bash completes -o values" '[[ $(sort <<<"$out" | paste -sd" ") == "json table wide yaml" ]]'
if command -v zsh >/dev/null; then
    mkdir -p "$T/zfunc"
    java -jar "$CLI" completion zsh >"$T/zfunc/_vmnetctl"
    # A real interactive zsh on a pseudo-terminal (zsh/zpty): type "vmnetctl net", press TAB once, read the screen.
    out=$(zsh -f -c '
        zmodload zsh/zpty
        zpty z "zsh -f -i"
        zpty -w z "PS1=\"> \"; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
        zpty -w -n z $'"'"'vmnetctl net\t'"'"'
        all=
        for i in {1..50}; do
            sleep 0.1
            while zpty -r -t z chunk; do all+=$chunk; done
            [[ $all == *"vmnetctl networks"* ]] && break
        done
        zpty -d z
        print -r -- "$all"' _ "$T/zfunc" 2>&1); rc=$?
    check "zsh completes vmnetctl net<TAB> to networks, at the first TAB" '[[ $out == *"vmnetctl networks"* ]]' \
        '[[ $out != *"command not found"* ]]'
else
    echo "ok - zsh completion # SKIP zsh is not installed"
fi

java -jar "$CLI" man >"$T/vmnetctl.1"
out=$(MANWIDTH=100 man -l "$T/vmnetctl.1" 2>&1 | col -b | tr -s ' \t' '  '); rc=$?
check "man page renders with every command and exit status" '[[ $out == *"vmnetctl - Inspect and drive vmnetd"* ]]' \
    '[[ $out == *"check NETWORK"* ]]' '[[ $out == *"links [LINK]"* ]]' '[[ $out == *"EXIT STATUS"* ]]' '[[ $out != *"warning"* ]]'

echo "$PASS passed, $FAIL failed"
[[ $FAIL -eq 0 ]]
