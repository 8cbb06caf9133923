#!/usr/bin/env bash
# Tests the vmnet CNI shim against a fake vmnetd: a small python3 server on a Unix socket.
# Usage: shim-test.sh /path/to/vmnet
# The last line of output is "N passed, N failed". The exit status is non-zero if any test fails.
set -u
BIN=$(cd "$(dirname "${1:?usage: shim-test.sh /path/to/vmnet}")" && pwd)/$(basename "$1")
[ -x "$BIN" ] || { echo "not executable: $BIN"; echo "0 passed, 1 failed"; exit 1; }
command -v python3 >/dev/null || { echo "python3 is required"; echo "0 passed, 1 failed"; exit 1; }

T=$(mktemp -d /tmp/vmnet-shim-test.XXXXXX)
SOCK=$T/d.sock
DPID=
PASS=0
FAIL=0
cleanup() { stop_daemon; rm -rf "$T"; }
trap cleanup EXIT

# The fake daemon. A scenario is either a list of responses, used for all requests in turn, or
# an object mapping "METHOD /path" to such a list (a path not named gets 404); the i-th request
# gets list[min(i, len-1)]. Each request is logged to reqs.jsonl as {"line","headers","body"}.
# A response has: status, headers ([[k,v],...]), body (or bodylen: that many "x"), and optionally
# nolength (no Content-Length; body ends at EOF), raw (bytes sent verbatim), close (close with no
# answer), or hang (hold the connection open for that many seconds).
cat >"$T/daemon.py" <<'EOF'
import json, os, socket, sys, time
sock_path, scn_path, log_path, ready_path = sys.argv[1:5]
scn = json.load(open(scn_path))
time.sleep(float(sys.argv[5]) if len(sys.argv) > 5 else 0)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sock_path)
srv.listen(16)
open(ready_path, "w").close()
seen = {}
while True:
    c, _ = srv.accept()
    data = b""
    while b"\r\n\r\n" not in data:
        d = c.recv(65536)
        if not d:
            break
        data += d
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    hdrs = {}
    for l in lines[1:]:
        k, _, v = l.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    n = int(hdrs.get("content-length", "0"))
    while len(body) < n:
        d = c.recv(65536)
        if not d:
            break
        body += d
    with open(log_path, "a") as f:
        f.write(json.dumps({"line": lines[0], "headers": hdrs,
                            "body": body.decode("utf-8", "surrogateescape")}) + "\n")
    key = lines[0].rsplit(" ", 1)[0] if isinstance(scn, dict) else ""
    lst = scn.get(key, [{"status": 404, "body": "no such endpoint"}]) if isinstance(scn, dict) else scn
    rsp = lst[min(seen.get(key, 0), len(lst) - 1)]
    seen[key] = seen.get(key, 0) + 1
    if rsp.get("close"):
        c.close()
        continue
    if "hang" in rsp:
        time.sleep(rsp["hang"])
        c.close()
        continue
    if "raw" in rsp:
        c.sendall(rsp["raw"].encode("utf-8", "surrogateescape"))
        c.close()
        continue
    b = rsp.get("body", "").encode("utf-8", "surrogateescape")
    if "bodylen" in rsp:
        b = b"x" * rsp["bodylen"]
    out = "HTTP/1.1 %d X\r\n" % rsp.get("status", 200)
    for k, v in rsp.get("headers", []):
        out += "%s: %s\r\n" % (k, v)
    if rsp.get("nolength"):
        payload = (out + "\r\n").encode() + b
    else:
        payload = (out + "Content-Length: %d\r\n\r\n" % len(b)).encode() + b
    try:
        c.sendall(payload)
    except OSError:
        pass
    c.close()
EOF

# Assertions run in python3 with: out, err (str), rc (int), reqs (logged requests; each "json"
# is the parsed body or None), paths (each request's "METHOD /path"), stdin (str), secs (run
# time), j (stdout parsed as JSON or None).
cat >"$T/check.py" <<'EOF'
import json, sys
T, exprs = sys.argv[1], sys.argv[2:]
rd = lambda n: open(T + "/" + n, "rb").read().decode("utf-8", "surrogateescape")
out, err, rc, stdin, secs = rd("out"), rd("err"), int(rd("rc")), rd("in"), eval(rd("secs"))
reqs = []
try:
    for l in rd("reqs.jsonl").splitlines():
        r = json.loads(l)
        try:
            r["json"] = json.loads(r["body"])
        except ValueError:
            r["json"] = None
        reqs.append(r)
except FileNotFoundError:
    pass
paths = [r["line"].rsplit(" ", 1)[0] for r in reqs]
try:
    j = json.loads(out)
except ValueError:
    j = None
bad = []
for e in exprs:
    try:
        if not eval(e):
            bad.append(e)
    except Exception as x:
        bad.append("%s (%r)" % (e, x))
for e in bad:
    sys.stderr.write("    failed: %s\n" % e)
if bad:
    sys.stderr.write("    rc=%d out=%r\n    err=%r\n    requests=%d secs=%.2f\n"
                     % (rc, out[:400], err[:400], len(reqs), secs))
sys.exit(1 if bad else 0)
EOF

start_daemon() {  # $1 = scenario JSON (a list of responses), $2 = seconds to wait before listening
  stop_daemon
  rm -f "$SOCK" "$T/ready" "$T/reqs.jsonl"
  printf '%s' "$1" >"$T/scn.json"
  python3 "$T/daemon.py" "$SOCK" "$T/scn.json" "$T/reqs.jsonl" "$T/ready" "${2:-0}" 2>"$T/daemon.err" &
  DPID=$!
  [ -n "${2:-}" ] && return 0
  for _ in $(seq 100); do [ -e "$T/ready" ] && return 0; sleep 0.05; done
  echo "fake daemon did not start"; cat "$T/daemon.err"; exit 1
}
stop_daemon() {
  if [ -n "$DPID" ]; then kill "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; DPID=; fi
  rm -f "$SOCK" "$T/reqs.jsonl"
}
# run_shim VAR=value... : runs the shim with a clean CNI environment plus the given variables,
# stdin from $T/in.
run_shim() {
  local t0 t1
  rm -f "$T/reqs.jsonl"
  t0=$(date +%s.%N)
  env -u CNI_COMMAND -u CNI_CONTAINERID -u CNI_NETNS -u CNI_IFNAME -u CNI_ARGS -u CNI_PATH \
      -u VMNETD_SOCKET -u VMNETD_WAIT_SECONDS -u VMNETD_IO_TIMEOUT_SECONDS \
      "$@" "$BIN" <"$T/in" >"$T/out" 2>"$T/err"
  echo $? >"$T/rc"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" >"$T/secs"
}
check() {  # check NAME PYTHON-EXPR...
  local name=$1
  shift
  if python3 "$T/check.py" "$T" "$@"; then PASS=$((PASS + 1)); echo "ok   $name"; else FAIL=$((FAIL + 1)); echo "FAIL $name"; fi
}
stdin() { printf '%s' "$1" >"$T/in"; }

CONF='{"cniVersion":"1.0.0","name":"net1","type":"vmnet","bridge":"br0"}'
ADDENV=(CNI_COMMAND=ADD CNI_CONTAINERID=c1 CNI_NETNS=/var/run/netns/x CNI_IFNAME=net1 CNI_PATH=/opt/cni/bin)
RESULT='{"cniVersion":"1.0.0","interfaces":[{"name":"net1"}],"ips":[]}'

# --- answered locally ---
stop_daemon; stdin "$CONF"
run_shim CNI_COMMAND=VERSION VMNETD_SOCKET="$SOCK"
check "VERSION answered locally" 'rc == 0' 'reqs == []' \
  'out == "{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n"'

start_daemon '[{"status":200,"headers":[["Vmnet-Exit-Code","0"]]}]'
stdin '{"cniVersion":"0.4.0","name":"n"}'
run_shim VMNETD_SOCKET="$SOCK"
check "CNI_COMMAND unset -> code 4" 'rc == 1' 'reqs == []' \
  'j == {"cniVersion":"0.4.0","code":4,"msg":"CNI_COMMAND is not set"}'
run_shim CNI_COMMAND= VMNETD_SOCKET="$SOCK"
check "CNI_COMMAND empty -> code 4" 'rc == 1' 'j["code"] == 4' 'reqs == []'

# --- forwarded ---
start_daemon '[{"status":200,"headers":[["Vmnet-Exit-Code","0"],["Content-Type","application/json"]],"body":"'"${RESULT//\"/\\\"}"'"}]'
stdin "$CONF"
run_shim "${ADDENV[@]}" CNI_ARGS='K8S_POD_NAME=p;IgnoreUnknown=1' VMNETD_SOCKET="$SOCK"
check "ADD 200 exit 0: result verbatim" 'rc == 0' "out == '$RESULT'" 'err == ""' 'len(reqs) == 1' \
  'reqs[0]["line"] == "POST /v1/cni HTTP/1.1"' \
  'reqs[0]["headers"]["host"] == "vmnetd" and reqs[0]["headers"]["content-type"] == "application/json"' \
  'reqs[0]["headers"]["connection"] == "close"' \
  'int(reqs[0]["headers"]["content-length"]) == len(reqs[0]["body"].encode("utf-8", "surrogateescape"))' \
  'list(reqs[0]["json"]) == ["command","containerId","netns","ifname","args","path","config"]' \
  'reqs[0]["json"] == {"command":"ADD","containerId":"c1","netns":"/var/run/netns/x","ifname":"net1","args":"K8S_POD_NAME=p;IgnoreUnknown=1","path":"/opt/cni/bin","config":stdin}'

run_shim CNI_COMMAND=CHECK CNI_ARGS= VMNETD_SOCKET="$SOCK"
check "unset env -> null, empty env -> \"\"" 'rc == 0' \
  'reqs[0]["json"] == {"command":"CHECK","containerId":None,"netns":None,"ifname":None,"args":"","path":None,"config":stdin}'

start_daemon '[{"status":200,"headers":[["vmnet-exit-code","1"]],"body":"{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"bad vlan\"}"}]'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK"
check "CNI error answered with exit 1 (lower-case header)" 'rc == 1' 'j == {"cniVersion":"1.0.0","code":7,"msg":"bad vlan"}'

start_daemon '[{"status":200,"headers":[["VMNET-EXIT-CODE","42"],["Vmnet-Warning","bridge br0 has no uplink"]],"body":"{}"}]'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK"
check "exit code passed through; Vmnet-Warning to stderr" 'rc == 42' 'out == "{}"' 'err == "bridge br0 has no uplink\n"'

start_daemon '[{"status":200,"body":"{}"}]'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK"
check "missing Vmnet-Exit-Code -> exit 1" 'rc == 1' 'out == "{}"' '"Vmnet-Exit-Code" in err'

start_daemon '[{"status":200,"headers":[["Vmnet-Exit-Code","0"]]}]'
run_shim CNI_COMMAND=DEL CNI_CONTAINERID=c1 VMNETD_SOCKET="$SOCK"
check "DEL 200 with empty body" 'rc == 0' 'out == ""' 'reqs[0]["json"]["command"] == "DEL"'

run_shim CNI_COMMAND=FROB VMNETD_SOCKET="$SOCK"
check "unknown command forwarded" 'reqs[0]["json"]["command"] == "FROB"'

# --- error statuses ---
start_daemon '[{"status":403,"body":"peer uid 1000 is not allowed"}]'
stdin "$CONF"
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK"
check "403 -> code 5 with body as details" 'rc == 1' \
  'j == {"cniVersion":"1.0.0","code":5,"msg":"vmnetd answered HTTP 403","details":"peer uid 1000 is not allowed"}'

start_daemon '[{"status":500,"body":"boom \"quoted\"\n\ttab"}]'
run_shim CNI_COMMAND=DEL VMNETD_SOCKET="$SOCK"
check "500 on DEL -> code 5, details escaped" 'rc == 1' 'j["msg"] == "vmnetd answered HTTP 500"' \
  'j["details"] == "boom \"quoted\"\n\ttab"'

start_daemon '[{"raw":"SMTP ready\r\n\r\n"}]'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK"
check "garbage response -> code 5" 'rc == 1' 'j["code"] == 5 and j["msg"] == "malformed HTTP response from vmnetd"'

# --- framing: vmnetd always sends Content-Length, so the shim insists on it ---
start_daemon '[{"status":200,"headers":[["Vmnet-Exit-Code","0"]],"body":"{}","nolength":true}]'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK" VMNETD_WAIT_SECONDS=5
check "no Content-Length -> code 5, not retried" 'rc == 1' 'len(reqs) == 1' \
  'j["code"] == 5 and j["msg"] == "malformed HTTP response from vmnetd"' '"no Content-Length" in j["details"]'

start_daemon '[{"raw":"HTTP/1.1 200 OK\r\nVmnet-Exit-Code: 0\r\nContent-Length: 2x\r\n\r\n{}"}]'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK"
check "bad Content-Length -> code 5" 'rc == 1' 'j["code"] == 5 and "bad Content-Length" in j["details"]'

start_daemon '[{"raw":"HTTP/1.1 200 OK\r\nVmnet-Exit-Code: 0\r\nContent-Length: 10\r\n\r\n{}"}]'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK" VMNETD_WAIT_SECONDS=5
check "connection closed mid-body -> code 11 at once" 'rc == 1' 'len(reqs) == 1' 'secs < 1' \
  'j["code"] == 11 and "connection closed before the response was complete" in j["details"]'

start_daemon '[{"status":200,"headers":[["Vmnet-Exit-Code","0"]],"bodylen":5000000}]'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK"
check "5 MB response body" 'rc == 0' 'out == "x" * 5000000'

start_daemon '[{"status":200,"headers":[["Vmnet-Exit-Code","0"]],"bodylen":16777217}]'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK"
check "response body over 16 MiB -> code 5" 'rc == 1' 'j["code"] == 5 and "16 MiB" in j["details"]'

# --- configuration from stdin ---
printf '{"cniVersion": "0.3.1", "name": "x\x01\x1f", "bad": \xff\xfe tail\\ "\n' >"$T/in"
start_daemon '[{"status":200,"headers":[["Vmnet-Exit-Code","1"]],"body":"{\"cniVersion\":\"1.1.0\",\"code\":6,\"msg\":\"bad config\"}"}]'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK"
check "malformed stdin forwarded verbatim as a string" 'rc == 1' 'j["code"] == 6' \
  'reqs[0]["json"]["config"] == stdin' '"\\u0001\\u001f" in reqs[0]["body"] and "\\\\ \\\"\\u000a" in reqs[0]["body"]'

: >"$T/in"
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK"
check "empty stdin forwarded" 'reqs[0]["json"]["config"] == ""'

stdin '{"cniVersion":"1.0.0","name":"n","socket":"'"$SOCK"'"}'
run_shim "${ADDENV[@]}" VMNETD_WAIT_SECONDS=0
check "netconf key socket is ignored: the default socket" 'rc == 1' 'reqs == []' 'j["code"] == 11' \
  '"socket /run/vmnetd/vmnetd.sock: connect" in j["details"]'

stdin '{"cniVersion":"1.0.0","socket":"/nonexistent/other.sock"}'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK"
check "VMNETD_SOCKET names the socket" 'len(reqs) == 1'

stop_daemon
stdin '{"a":{"cniVersion":"9.9.9"},"b":["\"cniVersion\":\"7\"",{"cniVersion":"8"}],"s":"\\\"cniVersion\\\":\"7\"","cniVersion":"0.4.0"}'
run_shim CNI_COMMAND=ADD VMNETD_WAIT_SECONDS=0 VMNETD_SOCKET="$SOCK"
check "scanner finds top-level keys only" 'rc == 1' 'j["code"] == 11 and j["cniVersion"] == "0.4.0"'

stdin '{"cniVersion":"0.4.0","name":"x",}'
run_shim CNI_COMMAND=ADD VMNETD_WAIT_SECONDS=0
check "scanner: malformed JSON -> defaults" 'j["cniVersion"] == "1.1.0"' '"/run/vmnetd/vmnetd.sock" in j["details"]'

stdin '{"cniVersion":"0.4.\u0030"}'
run_shim CNI_COMMAND=ADD VMNETD_WAIT_SECONDS=0
check "scanner: \\u escape in value -> not found" 'j["cniVersion"] == "1.1.0"'

stdin '{"cniVersion":"0.4.0"}'
run_shim CNI_COMMAND=ADD VMNETD_SOCKET="/tmp/$(printf 'a%.0s' $(seq 110))"
check "socket path too long -> code 5" 'rc == 1' 'j["code"] == 5 and j["msg"] == "vmnetd socket path too long"'

# --- a listener that is not root: refused before anything is sent ---
# Run as nobody under setpriv; it records how many bytes each connection brought (a line per connection).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && [ -x /usr/bin/python3 ]; then
  mkdir -p "$T/nobody" && chown 65534:65534 "$T/nobody" && chmod 755 "$T"
  cat >"$T/nobody/listen.py" <<'PY'
import socket, sys
path, log, ready = sys.argv[1:4]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(16)
open(ready, "w").close()
while True:
    c, _ = srv.accept()
    c.settimeout(5)
    n = 0
    try:
        while True:
            d = c.recv(65536)
            if not d:
                break
            n += len(d)
    except OSError:
        pass
    c.close()
    with open(log, "a") as f:
        f.write("%d\n" % n)
PY
  NSOCK=$T/nobody/n.sock
  setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 "$T/nobody/listen.py" "$NSOCK" \
    "$T/nobody/bytes" "$T/nobody/ready" 2>"$T/nobody.err" &
  NPID=$!
  for _ in $(seq 100); do [ -e "$T/nobody/ready" ] && break; sleep 0.05; done
  stdin "$CONF"
  run_shim "${ADDENV[@]}" VMNETD_SOCKET="$NSOCK" VMNETD_WAIT_SECONDS=5
  sleep 0.2
  cp "$T/nobody/bytes" "$T/bytes" 2>/dev/null || : >"$T/bytes"
  check "ADD to a listener run as nobody -> code 5, nothing sent, no waiting" 'rc == 1' 'secs < 1' \
    'j["code"] == 5 and j["msg"] == "vmnetd socket is not served by root; refusing to talk to it"' \
    '"runs as uid 65534, not root; nothing was sent" in j["details"] and "'"$NSOCK"'" in j["details"]' \
    'open("'"$T"'/bytes").read() == "0\n"'
  : >"$T/nobody/bytes"
  run_shim CNI_COMMAND=DEL CNI_CONTAINERID=c1 VMNETD_SOCKET="$NSOCK" VMNETD_WAIT_SECONDS=5
  sleep 0.2
  cp "$T/nobody/bytes" "$T/bytes"
  check "DEL to a listener run as nobody -> exit 0 with a warning, nothing sent" 'rc == 0' 'out == ""' \
    '"refusing to talk to " + "'"$NSOCK"'" + ": the process listening on it" in err' '"uid 65534" in err' \
    '"DEL treated as done" in err' 'open("'"$T"'/bytes").read() == "0\n"'
  kill "$NPID" 2>/dev/null; wait "$NPID" 2>/dev/null
else
  FAIL=$((FAIL + 1)); echo "FAIL non-root listener tests need root, setpriv and /usr/bin/python3"
fi

# --- size limit ---
start_daemon '[{"status":200,"headers":[["Vmnet-Exit-Code","0"]],"body":"{}"}]'
python3 -c '
import sys
pre, post = "{\"cniVersion\":\"1.0.0\",\"pad\":\"", "\"}"
n = 1048576 - len(pre) - len(post)
sys.stdout.write(pre + "\\\"" * (n // 2) + "\n" * (n % 2) + post)' >"$T/in"
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK"
check "stdin of exactly 1 MiB is forwarded" 'len(stdin) == 1048576' 'rc == 0' 'reqs[0]["json"]["config"] == stdin'

python3 -c 'import sys; sys.stdout.write("{\"cniVersion\":\"1.0.0\",\"pad\":\"" + "x"*(2*1048576) + "\"}")' >"$T/in"
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK"
check "stdin over 1 MiB -> code 5, daemon not contacted" 'rc == 1' 'reqs == []' \
  'j["code"] == 5 and j["msg"] == "network configuration over 1 MiB"'

# --- daemon absent, not ready, or wedged ---
OK='{"status":200,"headers":[["Vmnet-Exit-Code","0"]],"body":"{}"}'
READY='{"status":200,"body":"{\"ready\":true}"}'
stop_daemon; stdin "$CONF"
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK" VMNETD_WAIT_SECONDS=1
check "ADD, daemon absent -> code 11 after ~1s" 'rc == 1' 'j["code"] == 11' \
  'j["msg"] == "vmnetd is not reachable or not ready; try again later"' 'j["cniVersion"] == "1.0.0"' \
  '"connect: No such file or directory" in j["details"]' '"gave up after 1s" in j["details"]' '0.9 < secs < 3'

run_shim CNI_COMMAND=DEL VMNETD_SOCKET="$SOCK" VMNETD_WAIT_SECONDS=1
check "DEL, daemon absent -> exit 0, warning" 'rc == 0' 'out == ""' '0.9 < secs < 3' \
  'err.startswith("vmnet: vmnetd not reachable or not ready at " + "'"$SOCK"'" + " after 1s; DEL treated as done, the daemon reclaims leftovers by GC")'

run_shim CNI_COMMAND=STATUS VMNETD_SOCKET="$SOCK" VMNETD_WAIT_SECONDS=0
check "STATUS, daemon absent, wait 0 -> code 11 at once" 'rc == 1' 'j["code"] == 11' 'secs < 0.5'

python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$SOCK"
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK" VMNETD_WAIT_SECONDS=0
check "stale socket file -> connection refused, code 11" 'j["code"] == 11' '"Connection refused" in j["details"]'
rm -f "$SOCK"

start_daemon '{"GET /readyz":['"$READY"'],"POST /v1/cni":['"$OK"']}' 0.7
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK" VMNETD_WAIT_SECONDS=10
check "daemon starts while the shim waits -> /readyz, then the request" 'rc == 0' 'out == "{}"' \
  'paths == ["GET /readyz", "POST /v1/cni"]' '0.6 < secs < 3'

start_daemon '{"POST /v1/cni":[{"status":503,"body":"starting"},'"$OK"'],"GET /readyz":[{"status":503},'"$READY"']}'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK" VMNETD_WAIT_SECONDS=5
check "503 -> polls /readyz (503, 200) every 200 ms, then sends the request again" 'rc == 0' 'out == "{}"' \
  'paths == ["POST /v1/cni", "GET /readyz", "GET /readyz", "POST /v1/cni"]' 'reqs[0]["body"] == reqs[3]["body"]' \
  'reqs[1]["headers"] == {"host": "vmnetd", "connection": "close"}' '0.35 < secs < 2'

start_daemon '{"POST /v1/cni":[{"status":503},{"status":503},'"$OK"'],"GET /readyz":['"$READY"']}'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK" VMNETD_WAIT_SECONDS=5
check "503 to the request sent again -> back to polling /readyz" 'rc == 0' 'out == "{}"' \
  'paths == ["POST /v1/cni", "GET /readyz", "POST /v1/cni", "GET /readyz", "POST /v1/cni"]'

start_daemon '{"POST /v1/cni":[{"close":true},'"$OK"'],"GET /readyz":['"$READY"']}'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK" VMNETD_WAIT_SECONDS=5
check "connection closed without an answer -> polls /readyz, sends again" 'rc == 0' \
  'paths == ["POST /v1/cni", "GET /readyz", "POST /v1/cni"]'

start_daemon '{"POST /v1/cni":[{"status":503,"body":"starting"}]}'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK" VMNETD_WAIT_SECONDS=0
check "503 with wait 0 -> code 11 at once, /readyz not polled" 'rc == 1' 'j["code"] == 11' \
  'paths == ["POST /v1/cni"]' '"HTTP 503 to POST /v1/cni: starting" in j["details"]' 'secs < 0.5'

start_daemon '{"POST /v1/cni":[{"status":503,"body":"starting"}],"GET /readyz":[{"status":503,"body":"not yet"}]}'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK" VMNETD_WAIT_SECONDS=1
check "not ready until the deadline -> code 11" 'rc == 1' 'j["code"] == 11' \
  '"HTTP 503 to GET /readyz: not yet" in j["details"]' 'paths[0] == "POST /v1/cni"' \
  'set(paths[1:]) == {"GET /readyz"}' '3 <= len(paths) - 1 <= 6' '0.9 < secs < 2'
run_shim CNI_COMMAND=DEL VMNETD_SOCKET="$SOCK" VMNETD_WAIT_SECONDS=1
check "not ready until the deadline on DEL -> exit 0, warning" 'rc == 0' 'out == ""' \
  '"DEL treated as done" in err and "HTTP 503 to GET /readyz" in err' 'paths.count("POST /v1/cni") == 1'

start_daemon '{"POST /v1/cni":[{"hang":4}]}'
run_shim "${ADDENV[@]}" VMNETD_SOCKET="$SOCK" VMNETD_WAIT_SECONDS=10 VMNETD_IO_TIMEOUT_SECONDS=1
check "wedged daemon -> I/O timeout, code 11, no retry" 'rc == 1' 'j["code"] == 11' 'paths == ["POST /v1/cni"]' \
  '"no complete response within 1 s" in j["details"]' '0.9 < secs < 2.5'

start_daemon '{"POST /v1/cni":[{"status":503}],"GET /readyz":[{"hang":4}]}'
run_shim CNI_COMMAND=DEL VMNETD_SOCKET="$SOCK" VMNETD_WAIT_SECONDS=10 VMNETD_IO_TIMEOUT_SECONDS=1
check "wedged /readyz -> I/O timeout ends the wait" 'rc == 0' 'out == ""' 'paths == ["POST /v1/cni", "GET /readyz"]' \
  '"no complete response within 1 s" in err' '1.1 < secs < 2.7'

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
