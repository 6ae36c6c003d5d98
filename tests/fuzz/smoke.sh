#!/usr/bin/env bash
# Runs one fuzz target briefly on its seed corpus, or the sanitized unit
# tests, from the sanitizer build that `.ci/setup --tests` makes (build-san:
# clang, -DREDLINE_SANITIZE=ON -DREDLINE_FUZZ=ON). Exit 77 (ctest: skipped)
# only when that build is absent: libFuzzer's own exit code for a crash is
# also 77 (-error_exitcode), so a found bug is made exit 1 (ctest: failed),
# with the input that did it in the output.
#   smoke.sh BUILD_SAN fuzz TARGET CORPUS_DIR
#   smoke.sh BUILD_SAN unit
set -euo pipefail
build=$1
mode=$2
# GDAL, PROJ and GEOS keep process-lifetime caches: leaks are not reported.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
case "$mode" in
  fuzz)
    exe="$build/tests/fuzz/fuzz_$3"
    [[ -x "$exe" ]] || { echo "skipped: $exe not built (bash .ci/setup --tests builds it)"; exit 77; }
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    cp -r "$4"/. "$work"/
    # A fresh copy of the seeds: new inputs found by the smoke run are not kept.
    cd "$work"
    "$exe" -runs="${FUZZ_RUNS:-20000}" -max_total_time="${FUZZ_SECONDS:-30}" -max_len=4096 \
      -timeout=20 -rss_limit_mb=4096 -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 -artifact_prefix="$work/" "$work"
    ;;
  unit)
    exe="$build/tests/redline_tests"
    [[ -x "$exe" ]] || { echo "skipped: $exe not built (bash .ci/setup --tests builds it)"; exit 77; }
    "$exe"
    ;;
esac
