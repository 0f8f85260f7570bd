//===- Npy.h - read matrices from NumPy .npy files --------------*- C++ -*-===//
//
// The .npy format (versions 1-3): a magic string, a header dict (descr,
// fortran_order, shape) and the raw data. bfly reads arrays of little-endian
// float32, float64, complex64 and complex128, in C or Fortran order (as
// matrices: 1-D and 2-D ones), and refuses anything else with a reason.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_IMPORT_NPY_H
#define BFLY_COMPILER_IMPORT_NPY_H

#include "compiler/Model/Targets.h"

#include "llvm/Support/Error.h"

#include <Eigen/Dense>

#include <vector>

namespace bfly {

/// An array of any rank, its values in C (row-major) order.
struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<Complex> values;
  bool complex = false;
  std::string dtype; ///< as the file spells it, e.g. "<f4"
};

/// Reads `path` (at most 2^28 entries); errors name the file and what is
/// wrong with it.
llvm::Expected<NpyArray> readNpyArray(const std::string &path);

struct NpyMatrix {
  Eigen::MatrixXcd values; ///< a 1-D array is one row
  bool complex = false;
  std::string dtype; ///< as the file spells it, e.g. "<f4"
};

/// Reads a 1-D or 2-D array from `path`.
llvm::Expected<NpyMatrix> readNpy(const std::string &path);

/// A user's matrix as a target: zero-padded to a square power-of-two size
/// (rectangular matrices included), real unless the file is complex.
Target targetFromMatrix(const NpyMatrix &matrix, const std::string &name);

} // namespace bfly

#endif // BFLY_COMPILER_IMPORT_NPY_H
