#!/usr/bin/env bash
# bfly's whole test suite: set up and build, then every test through ctest
# (lit, GoogleTest units and compiled-kernel integration tests).
#   test.sh              the Release build in build/
#   test.sh --sanitize   the same suite under AddressSanitizer (leak checks
#                        on) and UndefinedBehaviorSanitizer, in build-sanitize/
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh "$@"
build=build
if [[ "${1:-}" == --sanitize ]]; then
  build=build-sanitize
  # A finding fails the test that made it; leaks are findings too.
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_odr_violation=2
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export LSAN_OPTIONS=suppressions=$PWD/test/sanitizer/lsan.supp
fi
cd "$build"
ctest -j"${BFLY_JOBS:-2}" --output-on-failure --timeout 900
