//===- Npy.h - read matrices from NumPy .npy files --------------*- C++ -*-===//
//
// The .npy format (versions 1-3): a magic string, a header dict (descr,
// fortran_order, shape) and the raw data. bfly reads arrays of little-endian
// float32, float64, complex64 and complex128, in C or Fortran order (as
// matrices: 2-D ones), and refuses anything else with a reason.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_IMPORT_NPY_H
#define BFLY_COMPILER_IMPORT_NPY_H

#include "compiler/Model/Targets.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <Eigen/Dense>

#include <functional>
#include <optional>
#include <vector>

namespace bfly {

/// An array of any rank, its values in C (row-major) order.
struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<Complex> values;
  bool complex = false;
  std::string dtype; ///< as the file spells it, e.g. "<f4"
};

/// Why an array of `shape` will not do, checked before its data is read.
using NpyShapeCheck =
    std::function<std::optional<std::string>(const std::vector<int64_t> &)>;

/// Reads `path` (at most 2^28 entries; `check`, when given, may refuse the
/// shape before any data is allocated); errors name the file and what is
/// wrong with it.
llvm::Expected<NpyArray> readNpyArray(const std::string &path,
                                      const NpyShapeCheck &check = {});
/// The same from bytes in memory; errors name the buffer's identifier.
llvm::Expected<NpyArray> readNpyArray(llvm::MemoryBufferRef buffer,
                                      const NpyShapeCheck &check = {});

struct NpyMatrix {
  Eigen::MatrixXcd values;
  bool complex = false;
  std::string dtype; ///< as the file spells it, e.g. "<f4"
};

/// Reads a matrix (a 2-D array) from `path` for the learner: refused before
/// its data is read when its padded size exceeds kMaxTargetLength.
llvm::Expected<NpyMatrix> readNpy(const std::string &path);
llvm::Expected<NpyMatrix> readNpy(llvm::MemoryBufferRef buffer);

/// The side of the square power-of-two matrix that `rows` x `cols` is
/// zero-padded to (at least 2).
int64_t paddedSize(int64_t rows, int64_t cols);

/// A user's matrix as a target: zero-padded to a square power-of-two size
/// (rectangular matrices included), real unless the file is complex.
Target targetFromMatrix(const NpyMatrix &matrix, const std::string &name);

} // namespace bfly

#endif // BFLY_COMPILER_IMPORT_NPY_H
