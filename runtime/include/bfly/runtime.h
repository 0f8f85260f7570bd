/*===- runtime.h - load and run compiled bfly kernels ---------------------===*
 *
 * The C API of the bfly runtime: load a kernel shared object made by
 * bfly-compile, check it (ABI version, CPU features, and what the caller
 * expects), inspect its descriptor and apply it to batches, directly or
 * through a plan (any layout of the batch, split across threads). Functions
 * never abort: they return a status, and bfly_last_error() says why in
 * words. A loaded kernel is immutable; applying it from several threads is
 * safe. C++ users: runtime.hpp wraps this API in RAII classes.
 *
 *===----------------------------------------------------------------------===*/
#ifndef BFLY_RUNTIME_H
#define BFLY_RUNTIME_H

#include "bfly/kernel_abi.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(BFLY_RUNTIME_BUILD)
#define BFLY_RUNTIME_API __attribute__((visibility("default")))
#else
#define BFLY_RUNTIME_API
#endif

typedef enum bfly_status {
  BFLY_OK = 0,
  BFLY_ERROR_OPEN = 1,             /* the file cannot be loaded */
  BFLY_ERROR_NOT_A_KERNEL = 2,     /* no valid bfly kernel descriptor */
  BFLY_ERROR_ABI_VERSION = 3,      /* made for another kernel ABI version */
  BFLY_ERROR_CPU = 4,              /* needs CPU features this CPU lacks */
  BFLY_ERROR_MISMATCH = 5,         /* not the size or type the caller asked */
  BFLY_ERROR_INVALID_ARGUMENT = 6, /* a null pointer, a negative count... */
  BFLY_ERROR_OVERLAP = 7,    /* output memory overlaps the input or itself */
  BFLY_ERROR_RESOURCES = 8,  /* out of memory or threads */
  BFLY_ERROR_COMPILE = 9,    /* the JIT could not compile the model */
  BFLY_ERROR_CACHE = 10,     /* the JIT's cache folder cannot be written */
  BFLY_ERROR_NO_DRIVER = 11, /* no NVIDIA driver (libcuda.so.1) to load */
  BFLY_ERROR_NO_DEVICE = 12, /* the driver has no such GPU */
  BFLY_ERROR_GPU_ARCH = 13,  /* the GPU cannot run the kernel's architecture */
  BFLY_ERROR_GPU = 14        /* the driver refused (message and JIT log) */
} bfly_status;

typedef struct bfly_kernel bfly_kernel;

/* Loads and checks the kernel at `path`; on success *kernel owns it. */
BFLY_RUNTIME_API bfly_status bfly_kernel_load(const char *path,
                                              bfly_kernel **kernel);

/* Fails with BFLY_ERROR_MISMATCH unless the kernel takes vectors of length
 * n and has these input and output types (a bfly_dtype; 0 accepts any). Its
 * output length is the descriptor's output_n. */
BFLY_RUNTIME_API bfly_status bfly_kernel_expect(const bfly_kernel *kernel,
                                                int64_t n, int32_t input_dtype,
                                                int32_t output_dtype);

/* The kernel's descriptor, valid until bfly_kernel_free. */
BFLY_RUNTIME_API const bfly_kernel_descriptor *
bfly_kernel_describe(const bfly_kernel *kernel);

/* Applies the kernel to `batch` >= 1 contiguous vectors (n elements each in,
 * output_n out). */
BFLY_RUNTIME_API bfly_status bfly_kernel_apply(const bfly_kernel *kernel,
                                               const void *in, void *out,
                                               int64_t batch);

/* Same, vector b at in + b * in_dist and out + b * out_dist elements. The
 * layout is checked as bfly_plan_execute checks one: distances
 * non-negative, addresses within 2^63 bytes, output vectors apart, and the
 * output either the input itself (in place) or apart from it. */
BFLY_RUNTIME_API bfly_status bfly_kernel_apply_strided(
    const bfly_kernel *kernel, const void *in, int64_t in_dist, void *out,
    int64_t out_dist, int64_t batch);

BFLY_RUNTIME_API void bfly_kernel_free(bfly_kernel *kernel);

/* For embedders that make kernels in memory (libbfly_jit): checks
 * `descriptor` as bfly_kernel_load checks a file's (`origin` names it in
 * messages) and wraps it; bfly_kernel_free then calls release(owner), which
 * must keep the descriptor and its code alive until then. */
BFLY_RUNTIME_API bfly_status bfly_kernel_adopt(
    const bfly_kernel_descriptor *descriptor, const char *origin, void *owner,
    void (*release)(void *owner), bfly_kernel **kernel);

/* How a batch lies in memory, counted in elements of the input and output
 * types: element i of vector b is at in[b * in_dist + i * in_stride] and
 * out[b * out_dist + i * out_stride]. Strides are positive; the vectors of
 * the output must not share elements. */
typedef struct bfly_layout {
  int64_t batch; /* vectors, at least 1 */
  int64_t in_dist, in_stride;
  int64_t out_dist, out_stride;
} bfly_layout;

/* `batch` vectors of length n back to back, in and out. */
BFLY_RUNTIME_API bfly_layout bfly_layout_contiguous(int64_t n, int64_t batch);

/* `batch` of the kernel's vectors back to back: its input length apart in
 * the input, its output length apart in the output (they differ for a
 * padded, truncated or real-to-complex kernel). */
BFLY_RUNTIME_API bfly_layout bfly_kernel_layout(const bfly_kernel *kernel,
                                                int64_t batch);

/* A kernel ready to run batches on `threads` threads (the caller's and
 * threads - 1 workers of the plan's own; 0: one per online CPU). The kernel
 * must outlive the plan. */
typedef struct bfly_plan bfly_plan;

BFLY_RUNTIME_API bfly_status bfly_plan_create(const bfly_kernel *kernel,
                                              int threads, bfly_plan **plan);

/* The number of threads the plan runs batches on. */
BFLY_RUNTIME_API int bfly_plan_threads(const bfly_plan *plan);

/* Applies the kernel to the batch described by `layout`: out of place (the
 * output may not overlap the input) or in place (out == in with equal
 * types and equal layouts). A batch with enough work (about 16 Mflop) is
 * split into contiguous runs of vectors, one per thread; each vector is
 * computed exactly as with one thread, so results do not depend on the
 * thread count. Calls on one plan
 * from several threads take turns; separate plans run in parallel. */
BFLY_RUNTIME_API bfly_status bfly_plan_execute(bfly_plan *plan, const void *in,
                                               void *out,
                                               const bfly_layout *layout);

BFLY_RUNTIME_API void bfly_plan_free(bfly_plan *plan);

/* Why the last call on this thread failed ("" if none did). */
BFLY_RUNTIME_API const char *bfly_last_error(void);

/* "complex<f32>" etc., or "unknown"; and the size of one element in bytes
 * (0 for an unknown type). */
BFLY_RUNTIME_API const char *bfly_dtype_name(int32_t dtype);
BFLY_RUNTIME_API size_t bfly_dtype_size(int32_t dtype);

#ifdef __cplusplus
}
#endif

#endif /* BFLY_RUNTIME_H */
