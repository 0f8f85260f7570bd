// RUN: bfly-opt %s --bfly-cpu-pipeline="cpu=x86-64-v3 cpu-features=avx2,fma generator=lit" | FileCheck %s
// RUN: bfly-opt %s --bfly-cpu-pipeline="lowering=loops cpu=x86-64-v3 cpu-features=avx2,fma generator=lit" | FileCheck %s

/// The CPU pipeline leaves only the LLVM dialect: the body, the batched
/// apply, the descriptor (ABI version 1, its size, n, dtypes, strings) and
/// the exported query function.
// CHECK-NOT: bfly.
// CHECK-DAG: llvm.mlir.global private constant @__bfly_cpu("x86-64-v3\00")
// CHECK-DAG: llvm.mlir.global private constant @__bfly_cpu_features("avx2,fma\00")
// CHECK-DAG: llvm.mlir.global private constant @__bfly_provenance("target=hadamard; compiler=lit\00")
// CHECK-DAG: llvm.func internal @hadamard(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-DAG: llvm.func internal @__bfly_apply(
// CHECK-DAG: llvm.call @hadamard(
// CHECK: llvm.mlir.global private constant @__bfly_descriptor() {{.*}} : !llvm.struct<(i32, i32, i64, i64, i32, i32, ptr, ptr, ptr, i64, i64, ptr, ptr, i64, i64, ptr)>
// CHECK: llvm.mlir.constant(3 : i32)
// CHECK: llvm.mlir.constant(112 : i32)
// CHECK: llvm.mlir.constant(4 : i64)
// CHECK: llvm.mlir.addressof @__bfly_apply
// CHECK: llvm.func @bfly_kernel_query() -> !llvm.ptr
// CHECK-NEXT: llvm.mlir.addressof @__bfly_descriptor
bfly.transform @hadamard(%x: tensor<4xf32>) -> tensor<4xf32> attributes {provenance = {target = "hadamard"}} {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]> : tensor<1x2x2xf32> : tensor<4xf32>
  %1 = bfly.stage %0 stride 2 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]], [[1.0, 1.0], [1.0, -1.0]]]> : tensor<2x2x2xf32> : tensor<4xf32>
  bfly.return %1 : tensor<4xf32>
}
