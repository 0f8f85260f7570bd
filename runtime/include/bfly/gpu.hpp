//===- gpu.hpp - C++ wrapper of bfly's GPU kernels --------------*- C++ -*-===//
//
// RAII ownership of a bfly_gpu_kernel (gpu.h), in the manner of
// runtime.hpp's Kernel: a failed load gives an empty GpuKernel whose error()
// says why, calls return a bfly_status.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_GPU_HPP
#define BFLY_GPU_HPP

#include "bfly/gpu.h"

#include <memory>
#include <string>
#include <utility>

namespace bfly {

class GpuKernel {
public:
  GpuKernel() = default;

  /// Loads the GPU kernel .so at `path` on GPU `device`.
  static GpuKernel load(const std::string &path, int device = 0) {
    bfly_gpu_kernel *handle = nullptr;
    bfly_status status = bfly_gpu_kernel_load(path.c_str(), device, &handle);
    return fromStatus(status, handle);
  }

  /// A kernel from a descriptor in memory (copied), on GPU `device`.
  static GpuKernel create(const bfly_gpu_kernel_descriptor &descriptor,
                          const std::string &origin, int device = 0) {
    bfly_gpu_kernel *handle = nullptr;
    bfly_status status =
        bfly_gpu_kernel_create(&descriptor, origin.c_str(), device, &handle);
    return fromStatus(status, handle);
  }

  /// Takes ownership of `handle` when `status` is BFLY_OK; else an empty
  /// kernel with bfly_last_error()'s message.
  static GpuKernel fromStatus(bfly_status status, bfly_gpu_kernel *handle) {
    GpuKernel kernel;
    kernel.status_ = status;
    kernel.handle_.reset(status == BFLY_OK ? handle : nullptr);
    kernel.error_ = status == BFLY_OK ? "" : bfly_last_error();
    return kernel;
  }

  explicit operator bool() const { return handle_ != nullptr; }
  bfly_status status() const { return status_; }
  /// Why the load failed (no driver, no device, an architecture the GPU
  /// cannot run, the driver's PTX JIT log); empty after a successful one.
  const std::string &error() const { return error_; }

  const bfly_gpu_kernel_descriptor &descriptor() const {
    return *bfly_gpu_kernel_describe(handle_.get());
  }
  int64_t size() const { return descriptor().n; }

  /// `batch` vectors in device memory (CUdeviceptr values), on `stream`
  /// (a CUstream; nullptr: the default stream); asynchronous.
  bfly_status apply(uint64_t in, int64_t inDist, uint64_t out, int64_t outDist,
                    int64_t batch, void *stream = nullptr) const {
    return bfly_gpu_kernel_apply(handle_.get(), in, inDist, out, outDist, batch,
                                 stream);
  }
  /// `batch` contiguous vectors in host memory, copied there and back.
  bfly_status applyHost(const void *in, void *out, int64_t batch) const {
    return bfly_gpu_kernel_apply_host(handle_.get(), in, out, batch);
  }
  const bfly_gpu_kernel *get() const { return handle_.get(); }

private:
  struct Free {
    void operator()(bfly_gpu_kernel *kernel) const {
      bfly_gpu_kernel_free(kernel);
    }
  };
  std::unique_ptr<bfly_gpu_kernel, Free> handle_;
  bfly_status status_ = BFLY_ERROR_INVALID_ARGUMENT;
  std::string error_ = "no GPU kernel loaded";
};

} // namespace bfly

#endif // BFLY_GPU_HPP
