// RUN: bfly-opt %s --bfly-export-kernel | FileCheck %s

/// A kernel that can split a vector across threads names its phase
/// function: it becomes internal, and apply_phase calls it with the
/// caller's scratch (128 bytes here) and the scratch from the record's
/// split on (64) as its two buffers, only for 0 <= part < parts; the
/// descriptor carries the phase count, the scratch size and apply_phase.

// CHECK: llvm.func internal @k.phase(
// CHECK-LABEL: llvm.func internal @__bfly_apply_phase
// CHECK-SAME: (%[[IN:.*]]: !llvm.ptr, %[[OUT:.*]]: !llvm.ptr, %[[SCRATCH:.*]]: !llvm.ptr, %[[PHASE:.*]]: i64, %[[PART:.*]]: i64, %[[PARTS:.*]]: i64)
// CHECK-DAG: %[[SOME:.*]] = llvm.icmp "sgt" %[[PARTS]]
// CHECK-DAG: %[[BELOW:.*]] = llvm.icmp "ult" %[[PART]], %[[PARTS]]
// CHECK: %[[VALID:.*]] = llvm.and %[[BELOW]], %[[SOME]]
// CHECK: llvm.cond_br %[[VALID]], ^[[GO:.*]], ^[[EXIT:.*]]
// CHECK: ^[[GO]]:
// CHECK: %[[HALF:.*]] = llvm.mlir.constant(64 : i64)
// CHECK: %[[SECOND:.*]] = llvm.getelementptr %[[SCRATCH]][%[[HALF]]]
// CHECK: llvm.call @k.phase(%[[IN]], %[[OUT]], %[[SCRATCH]], %[[SECOND]], %[[PHASE]], %[[PART]], %[[PARTS]])

// CHECK-LABEL: llvm.mlir.global private constant @__bfly_descriptor()
// CHECK: llvm.insertvalue {{.*}}[12]
// CHECK-NEXT: llvm.mlir.constant(3 : i64)
// CHECK-NEXT: llvm.insertvalue {{.*}}[13]
// CHECK-NEXT: llvm.mlir.constant(128 : i64)
// CHECK-NEXT: llvm.insertvalue {{.*}}[14]
// CHECK-NEXT: llvm.mlir.addressof @__bfly_apply_phase
// CHECK-NEXT: llvm.insertvalue {{.*}}[15]
module {
  llvm.func @k.phase(%in: !llvm.ptr, %out: !llvm.ptr, %s0: !llvm.ptr, %s1: !llvm.ptr, %phase: i64, %part: i64, %parts: i64) {
    llvm.return
  }
  llvm.func @k(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 12 : i64, input = f32, n = 4 : i64, name = "k", nonzero_twiddles = 3 : i64, output = f32, output_n = 4 : i64, phase_function = @k.phase, phase_scratch_bytes = 128 : i64, phase_scratch_split = 64 : i64, phases = 3 : i64, provenance = ""}} {
    llvm.return
  }
}
