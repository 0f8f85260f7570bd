//===- Twiddles.h - butterfly weights trained elsewhere ---------*- C++ -*-===//
//
// torch_butterfly keeps a butterfly's twiddles in one tensor of shape
// (nstacks, nblocks, log2 n, n/2, 2, 2): for stack s and block b, the
// factor applied idx-th has stride 2^idx when the block's strides increase
// (the module's increasing_stride for even blocks, the opposite for odd
// ones) and 2^(log2 n - 1 - idx) otherwise; pair i of a stage of stride h
// mixes elements 2h (i / h) + i % h and that + h with the 2x2 matrix
// [out][in]. bfly reads that tensor from a .npy file or from a safetensors
// file and writes the same map as a model.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_IMPORT_TWIDDLES_H
#define BFLY_COMPILER_IMPORT_TWIDDLES_H

#include "compiler/Model/Factorization.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <string>
#include <vector>

namespace bfly {

/// A tensor's shape and values (C order).
struct TwiddleTensor {
  std::vector<int64_t> shape;
  std::vector<Complex> values;
  bool complex = false;
  Precision precision = Precision::F32;
};

/// The twiddle tensor of a .npy file (or of its bytes in memory).
llvm::Expected<TwiddleTensor> readTwiddlesNpy(const std::string &path);
llvm::Expected<TwiddleTensor> readTwiddlesNpy(llvm::MemoryBufferRef buffer);

/// Tensor `name` of a safetensors file (F32, F64 or C64); with an empty
/// name, the one tensor whose name ends in "twiddle". Every offset and
/// shape in the header is checked against the file before any read.
llvm::Expected<TwiddleTensor> readTwiddlesSafetensors(const std::string &path,
                                                      const std::string &name);
llvm::Expected<TwiddleTensor>
readTwiddlesSafetensors(llvm::MemoryBufferRef buffer, const std::string &name);

/// The butterfly of stack `stack` as a model: its blocks' stages in the
/// order torch_butterfly applies them, in `tensor`'s precision (complex
/// twiddles make a complex model). Errors name what is wrong with the
/// shape.
llvm::Expected<Factorization> butterflyFromTwiddles(const TwiddleTensor &tensor,
                                                    bool increasingStride,
                                                    int64_t stack);

} // namespace bfly

#endif // BFLY_COMPILER_IMPORT_TWIDDLES_H
