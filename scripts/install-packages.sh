#!/usr/bin/env bash
# Installs the Debian packages bfly builds and tests with (as root, only
# those missing), and any extra ones given: install-packages.sh [PACKAGE...]
set -euo pipefail
packages=(
  cmake ninja-build g++ python3 pkg-config
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools
  libeigen3-dev libfftw3-dev libgtest-dev gnuplot-nox zlib1g-dev
  dataset-fashion-mnist
  # The Python package: Debian's interpreter and its numpy, torch, scipy,
  # pytest and pybind11; OpenBLAS so torch's nn.Linear baseline is fast.
  python3-dev pybind11-dev python3-pybind11 python3-numpy python3-torch
  python3-scipy python3-pytest libopenblas0-pthread
  "$@"
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  echo "install-packages: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
