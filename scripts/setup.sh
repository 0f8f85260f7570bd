#!/usr/bin/env bash
# Installs bfly's Debian packages (as root, when any is missing), configures
# and builds bfly in build/. Every other script starts here.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ python3 pkg-config
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools
  libeigen3-dev libfftw3-dev libgtest-dev gnuplot-nox zlib1g-dev
  dataset-fashion-mnist
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir >/dev/null
ninja -C build -j"${BFLY_JOBS:-2}"
