/*===- runtime.h - load and run compiled bfly kernels ---------------------===*
 *
 * The C API of the bfly runtime: load a kernel shared object made by
 * bfly-compile, check it (ABI version, CPU features, and what the caller
 * expects), inspect its descriptor and apply it to batches. Functions never
 * abort: they return a status, and bfly_last_error() says why in words.
 * A loaded kernel is immutable; applying it from several threads is safe.
 * C++ users: runtime.hpp wraps this API in an RAII class.
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
  BFLY_ERROR_OPEN = 1,            /* the file cannot be loaded */
  BFLY_ERROR_NOT_A_KERNEL = 2,    /* no valid bfly kernel descriptor */
  BFLY_ERROR_ABI_VERSION = 3,     /* made for another kernel ABI version */
  BFLY_ERROR_CPU = 4,             /* needs CPU features this CPU lacks */
  BFLY_ERROR_MISMATCH = 5,        /* not the size or type the caller asked */
  BFLY_ERROR_INVALID_ARGUMENT = 6 /* a null pointer, a negative count... */
} bfly_status;

typedef struct bfly_kernel bfly_kernel;

/* Loads and checks the kernel at `path`; on success *kernel owns it. */
BFLY_RUNTIME_API bfly_status bfly_kernel_load(const char *path,
                                              bfly_kernel **kernel);

/* Fails with BFLY_ERROR_MISMATCH unless the kernel has length n and these
 * input and output types (a bfly_dtype; 0 accepts any). */
BFLY_RUNTIME_API bfly_status bfly_kernel_expect(const bfly_kernel *kernel,
                                                int64_t n, int32_t input_dtype,
                                                int32_t output_dtype);

/* The kernel's descriptor, valid until bfly_kernel_free. */
BFLY_RUNTIME_API const bfly_kernel_descriptor *
bfly_kernel_describe(const bfly_kernel *kernel);

/* Applies the kernel to `batch` contiguous vectors (n elements each). */
BFLY_RUNTIME_API bfly_status bfly_kernel_apply(const bfly_kernel *kernel,
                                               const void *in, void *out,
                                               int64_t batch);

/* Same, vector b at in + b * in_dist and out + b * out_dist elements. */
BFLY_RUNTIME_API bfly_status bfly_kernel_apply_strided(
    const bfly_kernel *kernel, const void *in, int64_t in_dist, void *out,
    int64_t out_dist, int64_t batch);

BFLY_RUNTIME_API void bfly_kernel_free(bfly_kernel *kernel);

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
