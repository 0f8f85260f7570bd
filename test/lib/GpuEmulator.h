//===- GpuEmulator.h - run convert-bfly-to-gpu's kernels on the CPU -*- C++
//-*-===//
//
// Test support: the GPU kernels' logic checked on a machine without a GPU.
// A kernel of gpu.module @bfly_gpu becomes a host function that runs its
// blocks one after another and, in each block, every barrier-free segment
// for one thread after another: exactly the semantics a CUDA block
// guarantees, no more. Values a thread keeps across a barrier are kept per
// thread. With race checking on, every shared memory access also checks
// that no other thread of the block wrote the same word in the same
// segment, or accessed a word the thread writes (what a missing barrier or
// two threads owning one element would break on a GPU), and that it stays
// within the block's shared memory.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_TEST_LIB_GPUEMULATOR_H
#define BFLY_TEST_LIB_GPUEMULATOR_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

namespace bfly::test {

/// Replaces each kernel of `module` (after convert-bfly-to-gpu) by a host
/// func.func of the same name, `(ptr in, ptr out, i64 batch, i64 in_dist,
/// i64 out_dist, ptr races)`, that does what the kernel's
/// ceil(batch * tiles / vectors_per_block) blocks do; `*races` (an int64)
/// receives the number of racing or out-of-bounds shared accesses (0
/// without race checking). The gpu.module's constants move to `module`, and the
/// gpu.module is erased. A transform of several launches is several
/// functions, called in order as the runtime would.
mlir::LogicalResult emulateGpuKernels(mlir::ModuleOp module, bool checkRaces);

/// The host function's type, once lowered to LLVM and compiled.
using EmulatedKernelFn = void (*)(const void *in, void *out, int64_t batch,
                                  int64_t inDist, int64_t outDist,
                                  int64_t *races);

} // namespace bfly::test

#endif // BFLY_TEST_LIB_GPUEMULATOR_H
