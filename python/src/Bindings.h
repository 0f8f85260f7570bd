//===- Bindings.h - the parts of the _bfly extension module -----*- C++ -*-===//
//
// The Python package's native half. Kernel.cpp binds the runtime (loaded
// and JIT-compiled kernels applied to numpy arrays); Model.cpp binds the
// compiler (models learned, read, written, built from twiddles, compiled).
// bfly/__init__.py and bfly/torch.py are the public API over them.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_PYTHON_BINDINGS_H
#define BFLY_PYTHON_BINDINGS_H

#include "bfly/runtime.hpp"

#include <pybind11/pybind11.h>

namespace bfly::python {

/// bfly.Error: a kernel that cannot be loaded or a model that cannot be
/// compiled (a RuntimeError).
pybind11::object errorType();

/// Raises the Python exception that fits `status`, with `message`:
/// TypeError/ValueError for bad arguments, MemoryError, OSError for files,
/// bfly.Error for the rest.
[[noreturn]] void raiseStatus(bfly_status status, const std::string &message);

/// Wraps a loaded or compiled kernel as a bfly.Kernel; `origin` says where
/// it came from (a path, or "jit").
pybind11::object wrapKernel(Kernel kernel, std::string origin);

void defineKernel(pybind11::module_ &module);
void defineModel(pybind11::module_ &module);

} // namespace bfly::python

#endif // BFLY_PYTHON_BINDINGS_H
