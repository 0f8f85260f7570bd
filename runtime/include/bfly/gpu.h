/*===- gpu.h - load and run bfly GPU kernels (NVIDIA, CUDA driver API) ----===*
 *
 * A GPU kernel .so (bfly-compile --target=cuda) holds PTX and a
 * bfly_gpu_kernel_descriptor. This loader checks the descriptor, then loads
 * libcuda.so.1 at run time (the runtime links nothing of CUDA at build
 * time), JIT-compiles the PTX for the device through the driver and
 * launches it. Every call returns a status and bfly_last_error() says why:
 * BFLY_ERROR_NO_DRIVER without a driver, BFLY_ERROR_NO_DEVICE without the
 * GPU asked for, BFLY_ERROR_GPU_ARCH when the GPU is older than the
 * kernel's architecture, BFLY_ERROR_GPU with the driver's PTX JIT log.
 *
 *===----------------------------------------------------------------------===*/
#ifndef BFLY_GPU_H
#define BFLY_GPU_H

#include "gpu_kernel_abi.h"
#include "runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bfly_gpu_kernel bfly_gpu_kernel;

/* Loads the kernel at `path` for GPU number `device` (0: the first). */
BFLY_RUNTIME_API bfly_status bfly_gpu_kernel_load(const char *path, int device,
                                                  bfly_gpu_kernel **kernel);

/* A kernel from a descriptor in memory (the JIT's): the descriptor and its
 * strings are copied, so the caller may free them; `origin` names the
 * kernel in messages (NULL: "(in memory)"). */
BFLY_RUNTIME_API bfly_status bfly_gpu_kernel_create(
    const bfly_gpu_kernel_descriptor *descriptor, const char *origin,
    int device, bfly_gpu_kernel **kernel);

/* Checks a descriptor as bfly_gpu_kernel_load does, without a driver. */
BFLY_RUNTIME_API bfly_status bfly_gpu_descriptor_check(
    const bfly_gpu_kernel_descriptor *descriptor, const char *origin);

BFLY_RUNTIME_API const bfly_gpu_kernel_descriptor *
bfly_gpu_kernel_describe(const bfly_gpu_kernel *kernel);

/* Applies the kernel to `batch` vectors in device memory (CUdeviceptr
 * values), vector b at in + b * in_dist and out + b * out_dist elements, on
 * `stream` (a CUstream; NULL: the default stream). `out` may equal `in`
 * (in place) when types and distances agree; other overlaps are refused.
 * Asynchronous: the result is ready when the stream is. */
BFLY_RUNTIME_API bfly_status bfly_gpu_kernel_apply(
    const bfly_gpu_kernel *kernel, uint64_t in, int64_t in_dist, uint64_t out,
    int64_t out_dist, int64_t batch, void *stream);

/* The same for contiguous vectors in host memory: copies them to the
 * device, runs, copies the result back and waits. */
BFLY_RUNTIME_API bfly_status bfly_gpu_kernel_apply_host(
    const bfly_gpu_kernel *kernel, const void *in, void *out, int64_t batch);

BFLY_RUNTIME_API void bfly_gpu_kernel_free(bfly_gpu_kernel *kernel);

#ifdef __cplusplus
}
#endif

#endif /* BFLY_GPU_H */
