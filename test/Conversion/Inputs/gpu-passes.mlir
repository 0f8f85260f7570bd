// Checked by convert-bfly-to-gpu.mlir's RUN line, with max-shared-bytes=32:
// blocks of 8 f32 numbers, so n = 16 takes passes over tiles.

/// Two launches: the first gathers its tiles (elements 0-7 and 8-15)
/// through the bit reversal as it reads the input, so the kernel cannot run
/// in place, and applies the stages of strides 1 and 4; the second reads
/// and writes the output in tiles that hold the stride-8 pairs.
// CHECK: gpu.func @passes(
// CHECK-SAME: in_place = 0 : i64, launch = 0 : i64
// CHECK-SAME: reads_output = 0 : i64
// CHECK-SAME: tiles = 2 : i64
// CHECK: llvm.intr.bitreverse
// CHECK: llvm.load
// CHECK: gpu.return
// CHECK: gpu.func @passes_pass2(
// CHECK-SAME: in_place = 0 : i64, launch = 1 : i64
// CHECK-SAME: reads_output = 1 : i64
// CHECK-SAME: tiles = 2 : i64
// CHECK-NOT: bitreverse
// CHECK: gpu.return
bfly.transform @passes(%x: tensor<16xf32>) -> tensor<16xf32> {
  %p = bfly.permute %x bit_reverse : tensor<16xf32>
  %a = bfly.stage %p stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]>
      : tensor<1x2x2xf32> : tensor<16xf32>
  %c = bfly.stage %a stride 4 twiddles dense<1.0> : tensor<4x2x2xf32> : tensor<16xf32>
  %b = bfly.stage %c stride 8 twiddles dense<1.0> : tensor<8x2x2xf32> : tensor<16xf32>
  bfly.return %b : tensor<16xf32>
}
