#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs libFuzzer targets built by 'make fuzz-build' (in build/fuzz/).
#
#   run-fuzz.sh [--keep] LIMIT TARGET...
#
# LIMIT is libFuzzer's stopping rule, e.g. -max_total_time=60 or
# -runs=10000000.  Each target runs with its dictionary, its saved corpus
# (tests/fuzz/corpus/TARGET/) and regressions as seeds; new inputs go to
# build/fuzz/corpus/TARGET/ and crashes to build/fuzz/crashes/TARGET/.
# With --keep, the inputs found that add coverage are then merged into
# tests/fuzz/corpus/TARGET/ (libFuzzer's -merge=1 keeps a minimal set), to
# be committed.  Prints each target's final stats; exits non-zero, after
# trying every target, if any crashed.
set -u

fuzz=${FUZZ_BUILD:-build/fuzz}
keep=
if [ "${1-}" = --keep ]; then
    keep=1
    shift
fi
limit=$1
shift

failed=()
for t in "$@"; do
    echo "== $t ($limit)"
    mkdir -p "$fuzz/corpus/$t" "$fuzz/crashes/$t"
    dict=()
    [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
    seeds=("tests/fuzz/corpus/$t")
    [ -d "tests/fuzz/regressions/$t" ] && seeds+=("tests/fuzz/regressions/$t")
    if ! "$fuzz/fuzz/$t" "$limit" -print_final_stats=1 "${dict[@]}" \
        -artifact_prefix="$fuzz/crashes/$t/" "$fuzz/corpus/$t" "${seeds[@]}" \
        2>"$fuzz/$t.log"; then
        failed+=("$t")
        tail -n 40 "$fuzz/$t.log"
        continue
    fi
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb|stat::new_units_added)|cov: .*(DONE|INITED)' \
        "$fuzz/$t.log" | tail -n 6
    if [ -n "$keep" ]; then
        before=$(ls "tests/fuzz/corpus/$t" | wc -l)
        "$fuzz/fuzz/$t" -merge=1 "${dict[@]}" "tests/fuzz/corpus/$t" \
            "$fuzz/corpus/$t" >"$fuzz/$t.merge.log" 2>&1 || failed+=("$t")
        echo "   corpus: $before -> $(ls "tests/fuzz/corpus/$t" | wc -l) inputs"
    fi
done
if [ ${#failed[@]} -ne 0 ]; then
    echo "FAILED: ${failed[*]} (crashes in $fuzz/crashes/)"
    exit 1
fi
