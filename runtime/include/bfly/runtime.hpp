//===- runtime.hpp - C++ wrapper of the bfly runtime ------------*- C++ -*-===//
//
// RAII ownership of kernels and plans over the C API in runtime.h. No
// exceptions: a failed load gives an empty Kernel whose error() says why,
// and calls return a bfly_status (bfly_last_error() has the words).
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_RUNTIME_HPP
#define BFLY_RUNTIME_HPP

#include "bfly/runtime.h"

#include <memory>
#include <string>
#include <utility>

namespace bfly {

class Kernel {
public:
  Kernel() = default;

  /// Loads and checks the kernel at `path`.
  static Kernel load(const std::string &path) {
    bfly_kernel *handle = nullptr;
    bfly_status status = bfly_kernel_load(path.c_str(), &handle);
    return fromStatus(status, handle);
  }

  /// Takes ownership of `handle` (from bfly_kernel_load or
  /// bfly_kernel_adopt) when `status` is BFLY_OK; else an empty kernel
  /// with bfly_last_error()'s message.
  static Kernel fromStatus(bfly_status status, bfly_kernel *handle) {
    Kernel kernel;
    kernel.status_ = status;
    kernel.handle_.reset(status == BFLY_OK ? handle : nullptr);
    kernel.error_ = status == BFLY_OK ? "" : bfly_last_error();
    return kernel;
  }

  /// An empty kernel that failed with `status` and `message`.
  static Kernel failure(bfly_status status, std::string message) {
    Kernel kernel;
    kernel.status_ = status;
    kernel.error_ = std::move(message);
    return kernel;
  }

  explicit operator bool() const { return handle_ != nullptr; }
  bfly_status status() const { return status_; }
  /// Why the load failed; empty after a successful one.
  const std::string &error() const { return error_; }

  const bfly_kernel_descriptor &descriptor() const {
    return *bfly_kernel_describe(handle_.get());
  }
  /// The lengths of an input and of an output vector.
  int64_t size() const { return descriptor().n; }
  int64_t outputSize() const { return descriptor().output_n; }

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

/// A kernel ready to run batches of any layout on some threads; the kernel
/// must outlive it.
class Plan {
public:
  Plan() = default;

  /// `threads`: 1 runs on the caller's thread, 0 on one thread per CPU.
  static Plan create(const Kernel &kernel, int threads = 1) {
    Plan plan;
    bfly_plan *handle = nullptr;
    plan.status_ = bfly_plan_create(kernel.get(), threads, &handle);
    plan.handle_.reset(handle);
    plan.error_ = plan.status_ == BFLY_OK ? "" : bfly_last_error();
    return plan;
  }

  explicit operator bool() const { return handle_ != nullptr; }
  bfly_status status() const { return status_; }
  const std::string &error() const { return error_; }
  int threads() const { return bfly_plan_threads(handle_.get()); }

  bfly_status execute(const void *in, void *out,
                      const bfly_layout &layout) const {
    return bfly_plan_execute(handle_.get(), in, out, &layout);
  }

private:
  struct Free {
    void operator()(bfly_plan *plan) const { bfly_plan_free(plan); }
  };
  std::unique_ptr<bfly_plan, Free> handle_;
  bfly_status status_ = BFLY_ERROR_INVALID_ARGUMENT;
  std::string error_ = "no plan created";
};

} // namespace bfly

#endif // BFLY_RUNTIME_HPP
