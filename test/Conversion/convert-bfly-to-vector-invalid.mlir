// RUN: bfly-opt %s --convert-bfly-to-vector="vector-bits=48" --verify-diagnostics

/// The SIMD width must be a power of two (lanes of 32 or 64 bits); each
/// transform that cannot be lowered says so.
// expected-error @+1 {{'bfly.transform' op cannot be lowered with vector-bits=48: it must be a power of two of at least 32}}
bfly.transform @any(%x: tensor<4xf32>) -> tensor<4xf32> {
  bfly.return %x : tensor<4xf32>
}
