#!/usr/bin/env bash
# bfly's whole test suite: set up and build, then every test through ctest
# (lit, GoogleTest units and compiled-kernel integration tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cd build
ctest -j"${BFLY_JOBS:-2}" --output-on-failure --timeout 900
