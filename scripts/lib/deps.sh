# Sourced by scripts/demo, scripts/test and scripts/bench: installs, from Debian's packages, whatever of
# the build and test tools this machine lacks. apt-get update runs only when something is missing.

deps_missing() {
    dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "$@" 2>&1 | awk '$1 != "ii" {print $NF}'
}

# ensure_packages PACKAGE...
ensure_packages() {
    local missing
    missing=$(deps_missing "$@") || true
    [[ -z $missing ]] && return 0
    echo "deps: installing" $missing >&2
    # shellcheck disable=SC2086 # one package name per word
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        $missing >&2
}

# The JDK, Maven and C toolchain that build vmnetd, and the tools its tests read the kernel with.
ensure_build_deps() {
    ensure_packages openjdk-17-jdk-headless maven gcc libc6-dev musl-tools iproute2 tcpdump iputils-ping \
        containernetworking-plugins procps psmisc prometheus util-linux curl busybox-static dnsmasq-base \
        jq zsh libcap2-bin
}
