// RUN: bfly-opt %s --split-input-file --convert-bfly-to-gpu --verify-diagnostics
// RUN: not bfly-opt %s --convert-bfly-to-gpu="block-threads=48" 2>&1 | FileCheck %s --check-prefix=THREADS

/// A vector that does not fit in a block's 48 KiB of static shared memory
/// is refused, with the sizes.
// expected-error @+1 {{'bfly.transform' op needs 64 KiB of shared memory for one vector, more than the 48 KiB a block has without opting in}}
bfly.transform @too_big(%x: tensor<4096xcomplex<f64>>) -> tensor<4096xcomplex<f64>> {
  bfly.return %x : tensor<4096xcomplex<f64>>
}

// THREADS: block-threads must be a power of two from 32 to 1024, got 48
