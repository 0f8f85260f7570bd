#!/usr/bin/env bash
# Installs bfly's Debian packages (as root, when any is missing), configures
# and builds bfly in build/. Every other script starts here.
#   setup.sh [--sanitize]   --sanitize: an ASan + UBSan build in
#                           build-sanitize/ instead
#   BFLY_BUILD_DIR          where to build (default build/)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-packages.sh

build=${BFLY_BUILD_DIR:-build}
options=(-DCMAKE_BUILD_TYPE=Release)
if [[ "${1:-}" == --sanitize ]]; then
  build=${BFLY_BUILD_DIR:-build-sanitize}
  options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DBFLY_SANITIZE=ON)
fi
cmake -S . -B "$build" -G Ninja "${options[@]}" \
  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir >/dev/null
ninja -C "$build" -j"${BFLY_JOBS:-2}"
