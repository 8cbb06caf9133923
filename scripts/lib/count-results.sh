#!/usr/bin/env bash
# Adds up JUnit XML reports (surefire's and the console launcher's) plus shell test counts given as
# "passed failed" lines on stdin, and prints the closing line "N passed, N failed, N skipped".
# Each failed test of a report is named on a line of its own before it ("FAILED Class.method: message"): CI
# keeps only the end of a run's output, and a count alone does not say what to look at.
set -euo pipefail
passed=0 failed=0 skipped=0
for report in "$@"; do
    [[ -f $report ]] || continue
    # Only the <testsuite> opening tag carries totals; nested suites (console launcher) are summed once each.
    read -r t f e s < <(awk '
        /<testsuite[ >]/ {
            match($0, /tests="[0-9]+"/);    t += substr($0, RSTART + 7, RLENGTH - 8)
            match($0, /failures="[0-9]+"/); f += substr($0, RSTART + 10, RLENGTH - 11)
            match($0, /errors="[0-9]+"/);   e += substr($0, RSTART + 8, RLENGTH - 9)
            match($0, /skipped="[0-9]+"/);  s += substr($0, RSTART + 9, RLENGTH - 10)
        }
        END { print t + 0, f + 0, e + 0, s + 0 }' "$report")
    passed=$((passed + t - f - e - s))
    failed=$((failed + f + e))
    skipped=$((skipped + s))
done
for report in "$@"; do
    [[ -f $report ]] || continue
    awk '
        /<testcase[ >]/ {
            match($0, /name="[^"]*"/);      name = substr($0, RSTART + 6, RLENGTH - 7)
            match($0, /classname="[^"]*"/); cls = substr($0, RSTART + 11, RLENGTH - 12)
        }
        /^[ \t]*<(failure|error)[ >]/ {
            message = ""
            if (match($0, /message="[^"]*"/)) message = substr($0, RSTART + 9, RLENGTH - 10)
            gsub(/&#10;/, " ", message); gsub(/&quot;/, "\"", message); gsub(/&lt;/, "<", message)
            gsub(/&gt;/, ">", message); gsub(/&amp;/, "\\&", message); gsub(/  +/, " ", message)
            printf "FAILED %s.%s: %.300s\n", cls, name, message
        }' "$report"
done
while read -r p f; do
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
