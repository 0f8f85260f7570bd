// RUN: bfly-opt %s --pass-pipeline="builtin.module(bfly.transform(bfly-fuse-stages{max-radix=32}))" --verify-diagnostics
// RUN: not bfly-opt %s --pass-pipeline="builtin.module(bfly.transform(bfly-fuse-stages{vector-bits=48}))" 2>&1 | FileCheck %s

/// The plan must be one the vector lowering can carry out: radix 2 to 16,
/// a SIMD width that is a power of two. The error names the transform.
// CHECK: bfly-fuse-stages-invalid.mlir:[[@LINE+2]]:1: error: vector-bits must be a power of two of at least 32, got 48
// expected-error @+1 {{max-radix must be 2, 4, 8 or 16, got 32}}
bfly.transform @any(%x: tensor<4xf32>) -> tensor<4xf32> {
  bfly.return %x : tensor<4xf32>
}
