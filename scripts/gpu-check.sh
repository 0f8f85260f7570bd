#!/usr/bin/env bash
# The GPU check, in two halves (the GPU machine has no compiler: only the
# kernels and a plain-C tester travel, well under 64 MiB):
#   gpu-check.sh        here: builds bfly, then compiles into build/gpu-check
#                       GPU kernels for sm_90 (DFT complex<f32>, Hadamard f32,
#                       a random untied butterfly with its complex<f64> CPU
#                       kernel as the reference) at N = 64 .. 8192, the
#                       runtime and the tester (examples/gpu/gpu_check.c)
#   gpu-check.sh run    on the GPU machine (carry build/gpu-check): checks
#                       every kernel against its double-precision reference
#                       and times it next to cuFFT for batch 1 .. 16384,
#                       writing build/gpu-check/timings.csv; exits 1 if a
#                       kernel is wrong
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/gpu-check

if [[ "${1:-}" == run ]]; then
  cd "$out"
  echo "kind,n,batch,bfly_us,cufft_us,bfly_over_cufft,relative_error,data_gbps,twiddle_gbps" >timings.csv
  # shellcheck disable=SC2046 # one argument per word
  ./gpu_check timings.csv $(cat kernels.txt)
  exit
fi

scripts/setup.sh
rm -rf "$out"
mkdir -p "$out"
bin=build/bin
kernels=()
for n in 64 128 256 512 1024 2048 4096 8192; do
  "$bin/bfly-model" dft -n "$n" -o "$out/model.mlir"
  "$bin/bfly-compile" --target=cuda:sm_90 --cpu=x86-64-v3 "$out/model.mlir" -o "$out/dft$n.so"
  "$bin/bfly-model" hadamard --type=f32 -n "$n" -o "$out/model.mlir"
  "$bin/bfly-compile" --target=cuda:sm_90 --cpu=x86-64-v3 "$out/model.mlir" -o "$out/hadamard$n.so"
  "$bin/bfly-model" random -n "$n" --seed=1 -o "$out/model.mlir"
  "$bin/bfly-compile" --target=cuda:sm_90 --cpu=x86-64-v3 "$out/model.mlir" -o "$out/random$n.so"
  "$bin/bfly-model" random -n "$n" --seed=1 --type='complex<f64>' -o "$out/model.mlir"
  "$bin/bfly-compile" --cpu=x86-64-v3 "$out/model.mlir" -o "$out/random$n-f64-cpu.so"
  kernels+=(dft "./dft$n.so" hadamard "./hadamard$n.so"
    model "./random$n.so" "./random$n-f64-cpu.so")
done
rm "$out/model.mlir"
cp -L build/runtime/libbfly_runtime.so.0 "$out/"
cc -std=c11 -O2 -Wall -Iruntime/include -o "$out/gpu_check" \
  examples/gpu/gpu_check.c "$out/libbfly_runtime.so.0" -Wl,-rpath,'$ORIGIN' \
  -ldl -lm
echo "${kernels[*]}" >"$out/kernels.txt"
echo "gpu-check: $(du -sh "$out" | cut -f1) in $out; on the GPU machine run:"
echo "  bash scripts/gpu-check.sh run"
