// RUN: bfly-opt %s --bfly-export-kernel="cpu=x86-64-v3 cpu-features=avx2,fma generator=lit" | FileCheck %s

/// A lowered one-vector body (as the lowerings and the standard lowering to
/// LLVM leave it) gets the ABI: the body becomes internal, a batched apply
/// steps each pointer by its element size (complex<f32> in: 8 bytes, f32
/// out: 4) times its distance, and the exported query returns a constant
/// descriptor whose fields follow kernel_abi.h (KernelDescriptorTest checks
/// the layout itself against the C struct).

// CHECK: llvm.func internal @k(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-NOT: bfly.kernel
// CHECK-LABEL: llvm.func internal @__bfly_apply
// CHECK-SAME: (%[[IN:.*]]: !llvm.ptr, %[[OUT:.*]]: !llvm.ptr, %[[BATCH:.*]]: i64, %[[IN_DIST:.*]]: i64, %[[OUT_DIST:.*]]: i64)
// CHECK: ^bb1(%[[I:.*]]: i64):
// CHECK: llvm.icmp "slt" %[[I]], %[[BATCH]]
// CHECK: %[[IN_BYTES:.*]] = llvm.mlir.constant(8 : i64)
// CHECK: %[[A:.*]] = llvm.mul %[[I]], %[[IN_DIST]]
// CHECK: %[[B:.*]] = llvm.mul %[[A]], %[[IN_BYTES]]
// CHECK: %[[X:.*]] = llvm.getelementptr %[[IN]][%[[B]]]
// CHECK: %[[OUT_BYTES:.*]] = llvm.mlir.constant(4 : i64)
// CHECK: %[[C:.*]] = llvm.mul %[[I]], %[[OUT_DIST]]
// CHECK: %[[D:.*]] = llvm.mul %[[C]], %[[OUT_BYTES]]
// CHECK: %[[Y:.*]] = llvm.getelementptr %[[OUT]][%[[D]]]
// CHECK: llvm.call @k(%[[X]], %[[Y]])

// CHECK-DAG: llvm.mlir.global private constant @[[NAME:__bfly_name]]("k\00")
// CHECK-DAG: llvm.mlir.global private constant @[[CPU:__bfly_cpu]]("x86-64-v3\00")
// CHECK-DAG: llvm.mlir.global private constant @[[FEATURES:__bfly_cpu_features]]("avx2,fma\00")
// CHECK-DAG: llvm.mlir.global private constant @[[PROVENANCE:__bfly_provenance]]("target=t; compiler=lit\00")

// CHECK-LABEL: llvm.mlir.global private constant @__bfly_descriptor()
// CHECK-SAME: !llvm.struct<(i32, i32, i64, i64, i32, i32, ptr, ptr, ptr, i64, i64, ptr, ptr, i64, i64, ptr)>
// CHECK: llvm.mlir.constant(3 : i32)
// CHECK-NEXT: llvm.insertvalue {{.*}}[0]
// CHECK-NEXT: llvm.mlir.constant(112 : i32)
// CHECK-NEXT: llvm.insertvalue {{.*}}[1]
// CHECK-NEXT: llvm.mlir.constant(4 : i64)
// CHECK-NEXT: llvm.insertvalue {{.*}}[2]
// CHECK-NEXT: llvm.mlir.constant(3 : i64)
// CHECK-NEXT: llvm.insertvalue {{.*}}[3]
// CHECK-NEXT: llvm.mlir.constant(3 : i32)
// CHECK-NEXT: llvm.insertvalue {{.*}}[4]
// CHECK-NEXT: llvm.mlir.constant(1 : i32)
// CHECK-NEXT: llvm.insertvalue {{.*}}[5]
// CHECK-NEXT: llvm.mlir.addressof @[[NAME]]
// CHECK-NEXT: llvm.insertvalue {{.*}}[6]
// CHECK-NEXT: llvm.mlir.addressof @[[CPU]]
// CHECK-NEXT: llvm.insertvalue {{.*}}[7]
// CHECK-NEXT: llvm.mlir.addressof @[[FEATURES]]
// CHECK-NEXT: llvm.insertvalue {{.*}}[8]
// CHECK-NEXT: llvm.mlir.constant(12 : i64)
// CHECK-NEXT: llvm.insertvalue {{.*}}[9]
// CHECK-NEXT: llvm.mlir.constant(3 : i64)
// CHECK-NEXT: llvm.insertvalue {{.*}}[10]
// CHECK-NEXT: llvm.mlir.addressof @[[PROVENANCE]]
// CHECK-NEXT: llvm.insertvalue {{.*}}[11]
// CHECK-NEXT: llvm.mlir.addressof @__bfly_apply
// CHECK-NEXT: llvm.insertvalue {{.*}}[12]
/// No phase function: no phases, no scratch, a null apply_phase.
// CHECK-NEXT: llvm.mlir.constant(0 : i64)
// CHECK-NEXT: llvm.insertvalue {{.*}}[13]
// CHECK-NEXT: llvm.mlir.constant(0 : i64)
// CHECK-NEXT: llvm.insertvalue {{.*}}[14]
// CHECK-NEXT: llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: llvm.insertvalue {{.*}}[15]

// CHECK-LABEL: llvm.func @bfly_kernel_query() -> !llvm.ptr
// CHECK-NEXT: llvm.mlir.addressof @__bfly_descriptor
module {
  llvm.func @k(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 12 : i64, input = complex<f32>, n = 4 : i64, name = "k", nonzero_twiddles = 3 : i64, output = f32, output_n = 3 : i64, provenance = "target=t"}} {
    llvm.return
  }
}
