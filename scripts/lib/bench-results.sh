# shellcheck shell=bash
# Sourced by the benches: prints one result as "RESULT <name> <value> <unit> ref=<ref> target=<target> ok|MISS" and
# appends it to target/bench/results.json, a JSON list of {name, value, unit, ref, target, ok}.

# bench_result NAME VALUE UNIT REF TARGET OK(true|false)
bench_result() {
    local file=target/bench/results.json
    mkdir -p target/bench
    [[ -s $file ]] || echo '[]' >"$file"
    echo "RESULT $1 $2 $3 ref=$4 target=$5 $([[ $6 = true ]] && echo ok || echo MISS)"
    jq --arg name "$1" --argjson value "$2" --arg unit "$3" --argjson ref "$4" --argjson target "$5" --argjson ok "$6" \
        '. + [{name: $name, value: $value, unit: $unit, ref: $ref, target: $target, ok: $ok}]' "$file" >"$file.tmp" &&
        mv "$file.tmp" "$file"
}
