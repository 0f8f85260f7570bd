//===- Module.cpp - the _bfly extension module ----------------------------===//
#include "python/src/Bindings.h"

PYBIND11_MODULE(_bfly, module) {
  module.doc() = "bfly's native half: kernels (the runtime) and models "
                 "(the compiler). Use the bfly package, not this module.";
  module.attr("__version__") = BFLY_VERSION;
  bfly::python::defineKernel(module);
  bfly::python::defineModel(module);
}
