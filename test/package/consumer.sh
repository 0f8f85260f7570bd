#!/usr/bin/env bash
# Installs bfly into a fresh prefix and builds and runs, against that prefix
# only: the separate CMake project examples/consumer (find_package(Bfly)),
# and the C example through pkg-config.
#   consumer.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
build=$1 source=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
log="$work/log"
trap 'echo "consumer.sh: failed; the log:"; cat "$log"' ERR

cmake --install "$build" --prefix "$work/prefix" >"$log" 2>&1
# BFLY_CONSUMER_FLAGS: extra compiler flags, as the sanitizer build needs.
flags=${BFLY_CONSUMER_FLAGS:-}
cmake -S "$source/examples/consumer" -B "$work/consumer" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_FLAGS="$flags" >>"$log" 2>&1
cmake --build "$work/consumer" >>"$log" 2>&1

"$work/prefix/bin/bfly-model" dft -n 64 -o "$work/dft64.mlir"
"$work/prefix/bin/bfly-compile" "$work/dft64.mlir" -o "$work/libdft64.so"
"$work/consumer/consumer" "$work/libdft64.so" "$work/cache" | tee "$work/first"
"$work/consumer/consumer" "$work/libdft64.so" "$work/cache" | tee "$work/second"
grep -q "by the JIT (compiled)" "$work/first"
grep -q "by the JIT (cache hit)" "$work/second"

export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
# shellcheck disable=SC2046 # pkg-config prints several flags
# shellcheck disable=SC2086 # the flags are several words
cc -std=c99 $flags -o "$work/dft-check" "$source/examples/c-api/dft_check.c" \
  $(pkg-config --cflags --libs bfly-runtime) -lm >>"$log" 2>&1
"$work/dft-check" "$work/libdft64.so"
pkg-config --exists --print-errors bfly-jit

# BFLY_CONSUMER_PYTHON: the interpreter the Python package was built for;
# the installed package must import from the prefix alone.
if [[ -n "${BFLY_CONSUMER_PYTHON:-}" ]]; then
  site=$(echo "$work"/prefix/lib/python3.*/dist-packages)
  PYTHONPATH="$site" "$BFLY_CONSUMER_PYTHON" -c '
import numpy as np, bfly, sys
assert bfly.__file__.startswith(sys.argv[1]), bfly.__file__
kernel = bfly.learn(np.fft.fft(np.eye(16), norm="ortho"),
                    require_recovery=True).compile()
x = np.arange(16, dtype=np.complex64)
assert np.allclose(kernel(x), np.fft.fft(x, norm="ortho"), atol=1e-5)
print("consumer.sh: the installed Python package runs from", sys.argv[1])
' "$site"
fi
echo "consumer.sh: ok"
