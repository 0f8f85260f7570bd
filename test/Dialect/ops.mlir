// RUN: bfly-opt %s | FileCheck %s
// RUN: bfly-opt %s | bfly-opt | FileCheck %s
// RUN: bfly-opt --mlir-print-op-generic %s | bfly-opt | FileCheck %s

/// Every op's documented example, and each form of each op, parses and
/// prints back to itself.

// CHECK-LABEL: bfly.transform @stage_doc_example
bfly.transform @stage_doc_example(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: bfly.stage %{{.*}} stride 1 twiddles dense<{{\[\[\[}}1.000000e+00, 1.000000e+00], [1.000000e+00, -1.000000e+00]]]> : tensor<1x2x2xf32> : tensor<4xf32>
  %y = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]>
      : tensor<1x2x2xf32> : tensor<4xf32>
  bfly.return %y : tensor<4xf32>
}

// -----

/// An untied stage has one matrix per pair: N/2 of them.
// CHECK-LABEL: bfly.transform @stage_untied_complex
bfly.transform @stage_untied_complex(%x: tensor<4xcomplex<f64>>) -> tensor<4xcomplex<f64>> {
  // CHECK: bfly.stage %{{.*}} stride 1 twiddles dense<{{.*}}> : tensor<2x2x2xcomplex<f64>> : tensor<4xcomplex<f64>>
  %y = bfly.stage %x stride 1 twiddles dense<[
      [[(1.0, 0.0), (0.0, 1.0)], [(1.0, 0.0), (0.0, -1.0)]],
      [[(0.5, 0.5), (2.0, 0.0)], [(0.0, 0.0), (1.0, 0.0)]]]>
      : tensor<2x2x2xcomplex<f64>> : tensor<4xcomplex<f64>>
  bfly.return %y : tensor<4xcomplex<f64>>
}

// -----

// CHECK-LABEL: bfly.transform @permute_doc_example
bfly.transform @permute_doc_example(%x: tensor<8xcomplex<f32>>) -> tensor<8xcomplex<f32>> {
  // CHECK: %[[A:.*]] = bfly.permute %{{.*}} bit_reverse : tensor<8xcomplex<f32>>
  // CHECK: %[[B:.*]] = bfly.permute %[[A]] even_odd block 4 : tensor<8xcomplex<f32>>
  // CHECK: bfly.permute %[[B]] explicit indices [1, 0, 3, 2, 5, 4, 7, 6] : tensor<8xcomplex<f32>>
  %y = bfly.permute %x bit_reverse : tensor<8xcomplex<f32>>
  %z = bfly.permute %y even_odd block 4 : tensor<8xcomplex<f32>>
  %w = bfly.permute %z explicit indices [1, 0, 3, 2, 5, 4, 7, 6] : tensor<8xcomplex<f32>>
  bfly.return %w : tensor<8xcomplex<f32>>
}

// -----

// CHECK-LABEL: bfly.transform @permute_half_reversals
bfly.transform @permute_half_reversals(%x: tensor<8xf64>) -> tensor<8xf64> {
  // CHECK: bfly.permute %{{.*}} reverse_first_half : tensor<8xf64>
  // CHECK: bfly.permute %{{.*}} reverse_second_half block 2 : tensor<8xf64>
  %y = bfly.permute %x reverse_first_half : tensor<8xf64>
  %z = bfly.permute %y reverse_second_half block 2 : tensor<8xf64>
  bfly.return %z : tensor<8xf64>
}

// -----

// CHECK-LABEL: bfly.transform @diag_doc_example
bfly.transform @diag_doc_example(%x: tensor<4xf64>) -> tensor<4xf64> {
  // CHECK: bfly.diag %{{.*}} by dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf64> : tensor<4xf64>
  %y = bfly.diag %x by dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf64> : tensor<4xf64>
  bfly.return %y : tensor<4xf64>
}

// -----

/// A complex model of a real transform: embed, work in C, take the real part.
// CHECK-LABEL: bfly.transform @complex_real_doc_examples
bfly.transform @complex_real_doc_examples(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: %[[C:.*]] = bfly.complex %{{.*}} : tensor<4xf32> -> tensor<4xcomplex<f32>>
  // CHECK: bfly.real %[[C]] : tensor<4xcomplex<f32>> -> tensor<4xf32>
  %y = bfly.complex %x : tensor<4xf32> -> tensor<4xcomplex<f32>>
  %z = bfly.real %y : tensor<4xcomplex<f32>> -> tensor<4xf32>
  bfly.return %z : tensor<4xf32>
}

// -----

/// The transform's documented example: a chain with its provenance.
// CHECK-LABEL: bfly.transform @hadamard2(%{{.*}}: tensor<2xf32>) -> tensor<2xf32>
// CHECK-SAME: attributes {provenance = {target = "hadamard"}}
// CHECK: bfly.stage
// CHECK: bfly.return
bfly.transform @hadamard2(%x: tensor<2xf32>) -> tensor<2xf32>
    attributes {provenance = {target = "hadamard"}} {
  %y = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]>
      : tensor<1x2x2xf32> : tensor<2xf32>
  bfly.return %y : tensor<2xf32>
}

// -----

/// bfly.return's documented example: the empty chain is the identity.
// CHECK-LABEL: bfly.transform @identity
// CHECK-NEXT: bfly.return %{{.*}} : tensor<4xf64>
bfly.transform @identity(%x: tensor<4xf64>) -> tensor<4xf64> {
  bfly.return %x : tensor<4xf64>
}

// -----

/// The edges: a rectangular map's padding and truncation around the real
/// part of a complex chain, and the two ends of a real-input DFT.
// CHECK-LABEL: bfly.transform @pad_doc_example
// CHECK-SAME: (%{{.*}}: tensor<300xf32>) -> tensor<100xf32>
bfly.transform @pad_doc_example(%x: tensor<300xf32>) -> tensor<100xf32> {
  // CHECK: bfly.pad %{{.*}} : tensor<300xf32> -> tensor<512xf32>
  %y = bfly.pad %x : tensor<300xf32> -> tensor<512xf32>
  // CHECK: bfly.complex
  %z = bfly.complex %y : tensor<512xf32> -> tensor<512xcomplex<f32>>
  // CHECK: bfly.real
  %w = bfly.real %z : tensor<512xcomplex<f32>> -> tensor<512xf32>
  // CHECK: bfly.truncate %{{.*}} : tensor<512xf32> -> tensor<100xf32>
  %v = bfly.truncate %w : tensor<512xf32> -> tensor<100xf32>
  bfly.return %v : tensor<100xf32>
}

// -----

// CHECK-LABEL: bfly.transform @real_spectrum_doc_example
bfly.transform @real_spectrum_doc_example(%x: tensor<8xf32>) -> tensor<5xcomplex<f32>> {
  // CHECK: bfly.pack %{{.*}} : tensor<8xf32> -> tensor<4xcomplex<f32>>
  %z = bfly.pack %x : tensor<8xf32> -> tensor<4xcomplex<f32>>
  // CHECK: bfly.real_spectrum %{{.*}} : tensor<4xcomplex<f32>> -> tensor<5xcomplex<f32>>
  %y = bfly.real_spectrum %z : tensor<4xcomplex<f32>> -> tensor<5xcomplex<f32>>
  bfly.return %y : tensor<5xcomplex<f32>>
}

// -----

// CHECK-LABEL: bfly.transform @pack_spectrum_doc_example
bfly.transform @pack_spectrum_doc_example(%x: tensor<5xcomplex<f64>>) -> tensor<8xf64> {
  // CHECK: bfly.pack_spectrum %{{.*}} : tensor<5xcomplex<f64>> -> tensor<4xcomplex<f64>>
  %z = bfly.pack_spectrum %x : tensor<5xcomplex<f64>> -> tensor<4xcomplex<f64>>
  // CHECK: bfly.unpack %{{.*}} : tensor<4xcomplex<f64>> -> tensor<8xf64>
  %y = bfly.unpack %z : tensor<4xcomplex<f64>> -> tensor<8xf64>
  bfly.return %y : tensor<8xf64>
}
