#!/usr/bin/env bash
# Runs inside scripts/lab: every module's tests tagged "lab", with JUnit's console launcher, writing JUnit XML
# reports to MODULE/target/lab-reports for scripts/test to count. LAB_TESTS_SELECT narrows the run to console
# launcher selectors, e.g. LAB_TESTS_SELECT="--select-package io.vmnetd.daemon.lab.cni" (pass it with
# LAB_PASS_ENV=LAB_TESTS_SELECT); LAB_TESTS_FILTER adds filters to the scan (e.g. --exclude-package P), and
# LAB_REPORTS names the reports directory (default lab-reports), so that two VMs can run shares of one module.
set -uo pipefail
set -f # LAB_TESTS_FILTER holds regular expressions: never globbed
cd "$(dirname "$0")/../.."

# C1 only and the serial collector: under TCG, C2 compile threads cost more than they ever give back.
JAVA_OPTS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss1m)
status=0
for module in "$@"; do
    classes=$module/target/test-classes
    [[ -d $classes ]] || continue
    reports=$module/target/${LAB_REPORTS:-lab-reports}
    rm -rf "$reports"
    java "${JAVA_OPTS[@]}" -jar target/lab-runner/junit-console.jar execute \
        --disable-banner --disable-ansi-colors --details=tree \
        --class-path "$classes:$module/target/classes:$(cat "$module/target/test-classpath.txt")" \
        ${LAB_TESTS_SELECT:---scan-class-path "$classes"} ${LAB_TESTS_FILTER:-} --include-tag lab \
        --reports-dir "$reports" || status=1
done
exit $status
