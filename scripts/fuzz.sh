#!/usr/bin/env bash
# Builds bfly's libFuzzer targets with clang-22 (AddressSanitizer and
# UndefinedBehaviorSanitizer on) in build-fuzz/ and runs each one for
# SECONDS (default 60) from its seed corpus in test/fuzz/corpus/NAME, two at
# a time (BFLY_JOBS). New inputs go to build-fuzz/fuzz/NAME-corpus, crashes
# to build-fuzz/fuzz/NAME-crashes (copy one to test/fuzz/regressions/NAME
# to make it a regression test). Prints executions, coverage and crashes
# per target; exits non-zero if any target crashed.
#   fuzz.sh [SECONDS] [TARGET...]   targets: model npy safetensors idx descriptor
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(model npy safetensors idx descriptor)

scripts/install-packages.sh clang-22 libfuzzer-22-dev libclang-rt-22-dev \
  libomp-22-dev
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DBFLY_FUZZ=ON -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir >/dev/null
ninja -C build-fuzz -j"${BFLY_JOBS:-2}" "${targets[@]/#/fuzz-}"

work=build-fuzz/fuzz
mkdir -p "$work"
run() {
  local name=$1
  mkdir -p "$work/$name-corpus" "$work/$name-crashes"
  # -rss_limit_mb: a model may ask for a large (valid) lowering; 4 GiB is
  # the budget, and exceeding it is a finding too.
  "build-fuzz/bin/fuzz-$name" -max_total_time="$seconds" -print_final_stats=1 \
    -rss_limit_mb=4096 -timeout=30 -artifact_prefix="$work/$name-crashes/" \
    "$work/$name-corpus" "test/fuzz/corpus/$name" >"$work/$name.log" 2>&1 || true
}
running=0
for name in "${targets[@]}"; do
  run "$name" &
  running=$((running + 1))
  if ((running >= ${BFLY_JOBS:-2})); then
    wait -n
    running=$((running - 1))
  fi
done
wait

status=0
printf '%-12s %12s %8s %8s %8s %6s\n' target executions coverage features crashes slow
for name in "${targets[@]}"; do
  log="$work/$name.log"
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  # crash-, leak-, timeout- and oom- artifacts are findings; slow-unit- ones
  # (over 10 s once, often a busy machine) are listed for a second look.
  crashes=$(find "$work/$name-crashes" -type f ! -name 'slow-unit-*' | wc -l)
  slow=$(find "$work/$name-crashes" -type f -name 'slow-unit-*' | wc -l)
  printf '%-12s %12s %8s %8s %8s %6s\n' "$name" "${execs:-0}" "${cov:-0}" "${ft:-0}" "$crashes" "$slow"
  if ((crashes > 0)) || grep -q 'ERROR: libFuzzer\|ERROR: AddressSanitizer\|runtime error' "$log"; then
    echo "fuzz: $name found a problem, see $log and $work/$name-crashes" >&2
    status=1
  fi
done
exit $status
