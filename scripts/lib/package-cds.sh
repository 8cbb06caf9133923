# shellcheck shell=bash
# Sourced by scripts/package: class-data sharing archives of the daemon and of vmnetctl, made at package time.
#  1. Class lists: the daemon (the packaged jar, an empty config, a network namespace of its own) answers every
#     read endpoint, a check and a dry run, and vmnetctl runs its commands against it, with -XX:DumpLoadedClassList.
#  2. Static archives (-Xshare:dump) of those classes, for the jars at the paths they are installed at: the JVM
#     accepts an archive only for the class path it was made for, so the dump runs in a private mount namespace
#     where an overlay over /usr/lib shows the staged /usr/lib/vmnetd. dpkg keeps the jars' modification times,
#     which the JVM checks too.
# An archive works only with the JRE build that made it: cds-jre-version records the openjdk-17-jre-headless that
# did, and postinst uses the shipped archives only with that JRE, and otherwise dumps them from the shipped class
# lists (packaging/deb/postinst).

# cds_daemon_classlist JAR OUT [CLI_JAR CLI_OUT]: runs the daemon's JAR (an empty config, a network namespace of its
# own), asks every read endpoint, a check and a dry run, and writes the classes it loaded, in first-loaded order, to
# OUT; with CLI_JAR, vmnetctl's commands against it too, to CLI_OUT.
cds_daemon_classlist() {
    local jar=$1 out=$2 cli_jar=${3:-} cli_out=${4:-} tmp sock dpid i
    tmp=$(mktemp -d /tmp/vmnetd-cds.XXXXXX)
    sock=$tmp/vmnetd.sock
    printf 'socket: %s\nstateDir: %s/state\n' "$sock" "$tmp" >"$tmp/vmnetd.yaml"
    unshare --net sh -c 'ip link set lo up; exec java -XX:DumpLoadedClassList="$0" -XX:TieredStopAtLevel=1 \
        -XX:+UseSerialGC -jar "$1" --config "$2"' "$tmp/vmnetd.classlist" "$jar" "$tmp/vmnetd.yaml" \
        >"$tmp/daemon.log" 2>&1 &
    dpid=$!
    for i in $(seq 600); do
        curl -sf --unix-socket "$sock" http://vmnetd/readyz >/dev/null 2>&1 && break
        sleep 0.1
    done
    for path in /v1/status /v1/networks /v1/ports /v1/links /metrics /healthz; do
        curl -s --unix-socket "$sock" "http://vmnetd$path" >/dev/null
    done
    curl -s --unix-socket "$sock" -X POST http://vmnetd/v1/networks/mgmt/check >/dev/null
    curl -s --unix-socket "$sock" -X POST --data-binary @"$tmp/vmnetd.yaml" 'http://vmnetd/v1/config?dryRun=true' >/dev/null
    if [[ -n $cli_jar ]]; then
        i=0
        for args in status networks ports links "check mgmt" version "metrics vmnetd_ports" "-o json status" "-o yaml networks"; do
            # shellcheck disable=SC2086 # args are words
            java -XX:DumpLoadedClassList="$tmp/cli-$((i++)).classlist" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
                -jar "$cli_jar" --socket "$sock" $args >/dev/null 2>&1
        done
        # One list of every class any run loaded, in first-loaded order.
        cat "$tmp"/cli-*.classlist | awk '!seen[$0]++' >"$cli_out"
    fi
    kill "$dpid"
    wait "$dpid" 2>/dev/null || true    # 143: stopped by SIGTERM
    cp "$tmp/vmnetd.classlist" "$out"
    rm -rf "$tmp"
}

# cds_test_archive JAR: JAR's directory gets vmnetd.jsa for the JAR where it is, which the tests' daemon processes
# use (io.vmnetd.daemon.testing.DaemonUnderTest): under TCG in the kernel lab each start of the daemon's JVM is
# some 20 s, and classes from an archive are neither parsed nor verified again. A stale archive (the jar rebuilt)
# is ignored by the JVM.
cds_test_archive() {
    local jar dir
    jar=$(realpath "$1") dir=$(dirname "$(realpath "$1")")
    rm -f "$dir/vmnetd.jsa"
    cds_daemon_classlist "$jar" "$dir/vmnetd.classlist" &&
        java -Xshare:dump -XX:SharedClassListFile="$dir/vmnetd.classlist" -XX:SharedArchiveFile="$dir/vmnetd.jsa" \
            -cp "$jar" >"$dir/vmnetd-cds.log" 2>&1
}

# package_cds ROOT: writes ROOT/usr/lib/vmnetd/{vmnetd,vmnetctl}.{classlist,jsa}
package_cds() {
    local root=$1 lib=$1/usr/lib/vmnetd tmp
    cds_daemon_classlist "$lib/vmnetd.jar" "$lib/vmnetd.classlist" "$lib/vmnetctl.jar" "$lib/vmnetctl.classlist"
    tmp=$(mktemp -d /tmp/vmnetd-cds.XXXXXX)
    mkdir -p "$tmp/upper/vmnetd" "$tmp/work"
    cp -p "$lib/vmnetd.jar" "$lib/vmnetctl.jar" "$tmp/upper/vmnetd/"
    unshare --mount sh -c '
        set -e
        mount --make-rprivate /
        mount -t overlay overlay -o "lowerdir=/usr/lib,upperdir=$0/upper,workdir=$0/work" /usr/lib
        for name in vmnetd vmnetctl; do
            java -Xshare:dump -XX:SharedClassListFile="$1/$name.classlist" -XX:SharedArchiveFile="$0/$name.jsa" \
                -cp "/usr/lib/vmnetd/$name.jar" >"$0/dump-$name.log" 2>&1
        done' "$tmp" "$lib" || { echo "package: CDS dump failed:" >&2; cat "$tmp"/dump-*.log >&2; rm -rf "$tmp"; return 1; }
    cp "$tmp/vmnetd.jsa" "$tmp/vmnetctl.jsa" "$lib/"
    dpkg-query -W -f '${Version}\n' openjdk-17-jre-headless:amd64 >"$lib/cds-jre-version" 2>/dev/null || : >"$lib/cds-jre-version"
    chmod 644 "$lib"/*.jsa "$lib"/*.classlist "$lib/cds-jre-version"
    rm -rf "$tmp"
}
