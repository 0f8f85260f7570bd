#!/usr/bin/env bash
# bfly's main job end to end: set up and build, learn a butterfly model of
# the DFT-1024 from its matrix, compile it to a kernel .so, and measure that
# kernel through the runtime: accuracy against the textbook DFT, speed
# against FFTW and a dense product.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

bin=build/bin
mkdir -p out
set -x
"$bin"/bfly-learn dft -n 1024 -o out/dft1024.mlir
"$bin"/bfly-compile out/dft1024.mlir -o out/libdft1024.so
"$bin"/bfly-bench out/libdft1024.so --csv=out/dft1024-bench.csv \
  --plot=out/dft1024-bench.png
