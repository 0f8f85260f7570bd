// RUN: not bfly-opt %s --convert-bfly-to-vector="vector-bits=48" 2>&1 | FileCheck %s

/// The SIMD width must be a power of two (lanes of 32 or 64 bits).
// CHECK: error: vector-bits must be a power of two of at least 32, got 48
bfly.transform @any(%x: tensor<4xf32>) -> tensor<4xf32> {
  bfly.return %x : tensor<4xf32>
}
