# shellcheck shell=bash
# Sourced by scripts/bench and its benches: the one place that judges a figure against its target, prints it as
#   RESULT <name> <value> <unit> ref=<ref> target=<op><limit> ok|MISS
# and appends it to target/bench/results.json, a JSON list of {name, value, unit, ref, target, ok} (ref: a number,
# or null when the figure has no reference; target: the operator and limit as printed, e.g. "<=0.6").
# The benches written in Java do not judge: they list their figures in a file, one "name value unit ref target" a
# line, that bench_results_file passes through here.

# bench_result NAME VALUE UNIT REF TARGET
#   REF: a number or "-"; TARGET: an operator (<=, >=, <, >) and a number, e.g. "<=0.6" or ">=3".
#   The older form's sixth argument, the caller's own verdict (true|false), is still taken; then TARGET is printed
#   as given.
# Returns 1 when the target is missed (or the value is not a number), so that a bench can fail on it.
bench_result() {
    local name=$1 value=$2 unit=$3 ref=$4 target=$5 file=target/bench/results.json ok verdict op limit
    if [[ $# -ge 6 ]]; then
        ok=false
        [[ $6 = true ]] && ok=true
    elif [[ ! $target =~ ^(<=|>=|<|>)(-?[0-9.]+)$ ]]; then
        echo "bench_result: target '$target' of $name is not <op><number> (op: <= >= < >)" >&2
        return 2
    else
        op=${BASH_REMATCH[1]}
        limit=${BASH_REMATCH[2]}
        ok=$(awk -v v="$value" -v op="$op" -v t="$limit" 'BEGIN {
        if (v !~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/) { print "false"; exit }
        r = (op == "<=") ? v <= t : (op == ">=") ? v >= t : (op == "<") ? v < t : v > t
        print r ? "true" : "false" }')
    fi
    verdict=MISS
    [[ $ok = true ]] && verdict=ok
    echo "RESULT $name $value $unit ref=$ref target=$target $verdict"
    mkdir -p target/bench
    [[ -s $file ]] || echo '[]' >"$file"
    jq --arg name "$name" --arg value "$value" --arg unit "$unit" --arg ref "$ref" --arg target "$target" \
        --argjson ok "$ok" '. + [{name: $name, value: ($value | tonumber? // $value), unit: $unit,
            ref: (if $ref == "-" then null else ($ref | tonumber? // $ref) end), target: $target, ok: $ok}]' \
        "$file" >"$file.tmp" && mv "$file.tmp" "$file"
    [[ $ok = true ]]
}

# bench_results_file FILE: bench_result for each "name value unit ref target" line of FILE (written by a Java
# bench). Returns 1 when any target is missed or FILE is missing.
bench_results_file() {
    local file=$1 status=0 name value unit ref target
    [[ -f $file ]] || { echo "bench: no results in $file" >&2; return 1; }
    while read -r name value unit ref target; do
        [[ -z $name || $name = \#* ]] && continue
        bench_result "$name" "$value" "$unit" "$ref" "$target" || status=1
    done <"$file"
    return "$status"
}
