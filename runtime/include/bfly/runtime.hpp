//===- runtime.hpp - C++ wrapper of the bfly runtime ------------*- C++ -*-===//
//
// RAII ownership of a loaded kernel over the C API in runtime.h. No
// exceptions: a failed load gives an empty Kernel whose error() says why.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_RUNTIME_HPP
#define BFLY_RUNTIME_HPP

#include "bfly/runtime.h"

#include <memory>
#include <string>

namespace bfly {

class Kernel {
public:
  Kernel() = default;

  /// Loads and checks the kernel at `path`.
  static Kernel load(const std::string &path) {
    Kernel kernel;
    bfly_kernel *handle = nullptr;
    kernel.status_ = bfly_kernel_load(path.c_str(), &handle);
    kernel.handle_.reset(handle);
    kernel.error_ = kernel.status_ == BFLY_OK ? "" : bfly_last_error();
    return kernel;
  }

  explicit operator bool() const { return handle_ != nullptr; }
  bfly_status status() const { return status_; }
  /// Why the load failed; empty after a successful one.
  const std::string &error() const { return error_; }

  const bfly_kernel_descriptor &descriptor() const {
    return *bfly_kernel_describe(handle_.get());
  }
  int64_t size() const { return descriptor().n; }

  /// Applies the kernel to `batch` contiguous vectors.
  bfly_status apply(const void *in, void *out, int64_t batch = 1) const {
    return bfly_kernel_apply(handle_.get(), in, out, batch);
  }
  bfly_status apply(const void *in, int64_t inDist, void *out, int64_t outDist,
                    int64_t batch) const {
    return bfly_kernel_apply_strided(handle_.get(), in, inDist, out, outDist,
                                     batch);
  }
  const bfly_kernel *get() const { return handle_.get(); }

private:
  struct Free {
    void operator()(bfly_kernel *kernel) const { bfly_kernel_free(kernel); }
  };
  std::unique_ptr<bfly_kernel, Free> handle_;
  bfly_status status_ = BFLY_ERROR_INVALID_ARGUMENT;
  std::string error_ = "no kernel loaded";
};

} // namespace bfly

#endif // BFLY_RUNTIME_HPP
