// RUN: bfly-opt %s | FileCheck %s
// RUN: bfly-opt %s | bfly-opt | FileCheck %s
// RUN: bfly-opt --mlir-print-op-generic %s | bfly-opt | FileCheck %s

/// Every op's documented example, and each form of each op, parses and
/// prints back to itself.

// CHECK-LABEL: func.func @stage_doc_example
func.func @stage_doc_example(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: bfly.stage %{{.*}} stride 1 twiddles dense<{{\[\[\[}}1.000000e+00, 1.000000e+00], [1.000000e+00, -1.000000e+00]]]> : tensor<1x2x2xf32> : tensor<4xf32>
  %y = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]>
      : tensor<1x2x2xf32> : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// An untied stage has one matrix per pair: N/2 of them.
// CHECK-LABEL: func.func @stage_untied_complex
func.func @stage_untied_complex(%x: tensor<4xcomplex<f64>>) -> tensor<4xcomplex<f64>> {
  // CHECK: bfly.stage %{{.*}} stride 1 twiddles dense<{{.*}}> : tensor<2x2x2xcomplex<f64>> : tensor<4xcomplex<f64>>
  %y = bfly.stage %x stride 1 twiddles dense<[
      [[(1.0, 0.0), (0.0, 1.0)], [(1.0, 0.0), (0.0, -1.0)]],
      [[(0.5, 0.5), (2.0, 0.0)], [(0.0, 0.0), (1.0, 0.0)]]]>
      : tensor<2x2x2xcomplex<f64>> : tensor<4xcomplex<f64>>
  return %y : tensor<4xcomplex<f64>>
}

// -----

// CHECK-LABEL: func.func @permute_doc_example
func.func @permute_doc_example(%x: tensor<8xcomplex<f32>>) -> tensor<8xcomplex<f32>> {
  // CHECK: %[[A:.*]] = bfly.permute %{{.*}} bit_reverse : tensor<8xcomplex<f32>>
  // CHECK: %[[B:.*]] = bfly.permute %[[A]] even_odd block 4 : tensor<8xcomplex<f32>>
  // CHECK: bfly.permute %[[B]] explicit indices [1, 0, 3, 2, 5, 4, 7, 6] : tensor<8xcomplex<f32>>
  %y = bfly.permute %x bit_reverse : tensor<8xcomplex<f32>>
  %z = bfly.permute %y even_odd block 4 : tensor<8xcomplex<f32>>
  %w = bfly.permute %z explicit indices [1, 0, 3, 2, 5, 4, 7, 6] : tensor<8xcomplex<f32>>
  return %w : tensor<8xcomplex<f32>>
}

// -----

// CHECK-LABEL: func.func @permute_half_reversals
func.func @permute_half_reversals(%x: tensor<8xf64>) -> tensor<8xf64> {
  // CHECK: bfly.permute %{{.*}} reverse_first_half : tensor<8xf64>
  // CHECK: bfly.permute %{{.*}} reverse_second_half block 2 : tensor<8xf64>
  %y = bfly.permute %x reverse_first_half : tensor<8xf64>
  %z = bfly.permute %y reverse_second_half block 2 : tensor<8xf64>
  return %z : tensor<8xf64>
}

// -----

// CHECK-LABEL: func.func @diag_doc_example
func.func @diag_doc_example(%x: tensor<4xf64>) -> tensor<4xf64> {
  // CHECK: bfly.diag %{{.*}} by dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf64> : tensor<4xf64>
  %y = bfly.diag %x by dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf64> : tensor<4xf64>
  return %y : tensor<4xf64>
}

// -----

/// A complex model of a real transform: embed, work in C, take the real part.
// CHECK-LABEL: func.func @complex_real_doc_examples
func.func @complex_real_doc_examples(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: %[[C:.*]] = bfly.complex %{{.*}} : tensor<4xf32> -> tensor<4xcomplex<f32>>
  // CHECK: bfly.real %[[C]] : tensor<4xcomplex<f32>> -> tensor<4xf32>
  %y = bfly.complex %x : tensor<4xf32> -> tensor<4xcomplex<f32>>
  %z = bfly.real %y : tensor<4xcomplex<f32>> -> tensor<4xf32>
  return %z : tensor<4xf32>
}
