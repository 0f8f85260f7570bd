/*===- gpu_kernel_abi.h - the binary interface of a bfly GPU kernel -------===*
 *
 * A GPU kernel shared object made by bfly-compile --target=cuda exports one
 * symbol, BFLY_GPU_KERNEL_QUERY_SYMBOL, returning a constant descriptor: what
 * the kernel computes, the device code (PTX text) with its entry point, and
 * how to launch it. It sits next to, not in place of, the CPU ABI
 * (kernel_abi.h): the same element types and batch layout, other code.
 *
 * A transform runs as one kernel launch, or as several in order when its
 * vectors are too long for one block. Every entry's parameters, in order:
 * const void *in, void *out (device pointers), int64_t batch, int64_t
 * in_dist, int64_t out_dist (distances in elements, as bfly_apply_fn's). A
 * launch splits each vector into `tiles` tiles (1: whole vectors); block b
 * computes items b * vectors_per_block .. (b + 1) * vectors_per_block - 1,
 * item i being tile i % tiles of vector i / tiles (those below batch *
 * tiles). So launch ceil(batch * tiles / vectors_per_block) blocks of
 * block_threads threads in x, with shared_bytes of dynamic shared memory
 * (beyond 48 KiB the function must be opted in first). The first launch
 * reads `in` and writes `out`; a launch with reads_output reads `out` (pass
 * out and out_dist as its input) and writes it in place. `out` may equal
 * `in` when in_place is 1 and types and distances agree; other overlaps
 * are undefined.
 *
 * bfly-compile --target=cuda also puts the CPU kernel of the same model in
 * the .so (kernel_abi.h's bfly_kernel_query), so one artifact runs on both.
 *
 * Versioning: a loader refuses a descriptor whose abi_version differs from
 * BFLY_GPU_KERNEL_ABI_VERSION.
 *
 *===----------------------------------------------------------------------===*/
#ifndef BFLY_GPU_KERNEL_ABI_H
#define BFLY_GPU_KERNEL_ABI_H

#include "kernel_abi.h" /* next to this header, in the tree and installed */

#ifdef __cplusplus
extern "C" {
#endif

#define BFLY_GPU_KERNEL_ABI_VERSION 1
#define BFLY_GPU_KERNEL_QUERY_SYMBOL "bfly_gpu_kernel_query"

/* Where bfly_gpu_kernel_descriptor allows several launches. */
#define BFLY_GPU_MAX_LAUNCHES 16

/* One launch of a transform's kernels. */
typedef struct bfly_gpu_launch {
  const char *entry;         /* the kernel's name in the image */
  int32_t block_threads;     /* threads per block (x) */
  int32_t shared_bytes;      /* dynamic shared memory per block */
  int32_t vectors_per_block; /* items (vectors, or tiles) per block */
  int32_t reads_output;      /* 1: reads `out` in place; 0: reads `in` */
  int64_t tiles;             /* items per vector: a power of two */
} bfly_gpu_launch;

typedef struct bfly_gpu_kernel_descriptor {
  uint32_t abi_version;     /* BFLY_GPU_KERNEL_ABI_VERSION of the generator */
  uint32_t descriptor_size; /* sizeof(bfly_gpu_kernel_descriptor) there */
  int64_t n;                /* vector length of input and output */
  int32_t input_dtype;      /* a bfly_dtype */
  int32_t output_dtype;     /* a bfly_dtype */
  const char *name;         /* the transform function's name in the model */
  const char *isa;          /* the image's kind: "ptx" */
  const char *arch;         /* the architecture it targets: "sm_90" */
  const char *image;        /* the device code, NUL-terminated PTX text */
  int64_t image_size;       /* its bytes, without the NUL */
  int32_t launch_count;     /* 1 .. BFLY_GPU_MAX_LAUNCHES */
  int32_t in_place;         /* 1: `out` may equal `in` */
  const bfly_gpu_launch *launches; /* launch_count of them, in order */
  int64_t flops;            /* real arithmetic operations per transform */
  int64_t nonzero_twiddles; /* nonzero stage constants */
  const char *provenance;   /* "key=value; ..." from the model and compiler */
} bfly_gpu_kernel_descriptor;

typedef const bfly_gpu_kernel_descriptor *(*bfly_gpu_kernel_query_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* BFLY_GPU_KERNEL_ABI_H */
