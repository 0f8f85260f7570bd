/*===- kernel_abi.h - the binary interface of a compiled bfly kernel ------===*
 *
 * A kernel shared object made by bfly-compile exports one symbol,
 * BFLY_KERNEL_QUERY_SYMBOL, a function returning a pointer to a constant
 * descriptor. The descriptor says what the kernel computes and for which CPU,
 * and holds its apply function. Plain C so any language can load a kernel;
 * shared by the code generator (which lays out the same struct) and the
 * runtime loader (which checks it).
 *
 * Versioning: a loader refuses a kernel whose abi_version differs from the
 * BFLY_KERNEL_ABI_VERSION it was built with. Any change to the descriptor's
 * layout or to the apply function's meaning bumps the version.
 *
 *===----------------------------------------------------------------------===*/
#ifndef BFLY_KERNEL_ABI_H
#define BFLY_KERNEL_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BFLY_KERNEL_ABI_VERSION 3
#define BFLY_KERNEL_QUERY_SYMBOL "bfly_kernel_query"

/* The largest vector length n of a model, a kernel or a plan: 2^20. The
 * dialect's verifier, the model importer and this runtime's loader all
 * refuse larger ones (the learner, which works on dense n x n matrices,
 * stops earlier). */
#define BFLY_MAX_N (INT64_C(1) << 20)

/* A kernel keeps at most this many bytes of scratch on its caller's stack
 * (one or two buffers of 2n scalars and a few KiB: a DFT of n = 8192 in
 * f64 keeps its one there); a larger kernel
 * allocates its scratch on the heap for each call of its apply, so no kernel
 * needs more than a thread's usual stack (apply_phase takes its scratch from
 * the caller, which the runtime keeps per thread). */
#define BFLY_KERNEL_MAX_STACK_BYTES (INT64_C(256) * 1024)

/* The x86 features a kernel may record as required, comma-separated. The code
 * generator records the ones its target enables; the loader checks each of
 * them against the running CPU. */
#define BFLY_KERNEL_CPU_FEATURES                                               \
  "sse4.2,avx,avx2,fma,bmi2,f16c,avx512f,avx512dq,avx512bw,avx512vl,avx512cd"

/* Element types. Complex numbers are interleaved (re, im) pairs, the layout
 * of C's float _Complex, C++'s std::complex and FFTW's fftw_complex. */
typedef enum bfly_dtype {
  BFLY_DTYPE_F32 = 1,
  BFLY_DTYPE_F64 = 2,
  BFLY_DTYPE_COMPLEX_F32 = 3,
  BFLY_DTYPE_COMPLEX_F64 = 4
} bfly_dtype;

/* Applies the transform to `batch` vectors: vector b is read from
 * in + b * in_dist elements and written to out + b * out_dist elements (in
 * elements of the input and output type). `out` may equal `in` (in place)
 * when both types and distances agree; other overlaps are undefined. */
typedef void (*bfly_apply_fn)(const void *in, void *out, int64_t batch,
                              int64_t in_dist, int64_t out_dist);

/* Runs part `part` of `parts` (0 <= part < parts) of phase `phase` of one
 * vector, through `scratch` (phase_scratch_bytes, 64-byte aligned, shared by
 * every part of the vector). The phases of a vector must run in order, every
 * part of one finishing before any part of the next starts; the parts of a
 * phase write disjoint memory, so threads can run them at once. The result
 * is the same bits as apply()'s. Calls with another phase or part do
 * nothing. */
typedef void (*bfly_apply_phase_fn)(const void *in, void *out, void *scratch,
                                    int64_t phase, int64_t part, int64_t parts);

typedef struct bfly_kernel_descriptor {
  uint32_t abi_version;     /* BFLY_KERNEL_ABI_VERSION of the generator */
  uint32_t descriptor_size; /* sizeof(bfly_kernel_descriptor) there */
  int64_t n;                /* length of an input vector */
  int64_t output_n;         /* length of an output vector (version 3) */
  int32_t input_dtype;      /* a bfly_dtype */
  int32_t output_dtype;     /* a bfly_dtype */
  const char *name;         /* the transform function's name in the model */
  const char *cpu;          /* target CPU, e.g. "x86-64-v3", "sapphirerapids" */
  const char
      *cpu_features; /* required features from BFLY_KERNEL_CPU_FEATURES */
  int64_t flops;     /* real arithmetic operations per transform */
  int64_t nonzero_twiddles; /* nonzero stage constants */
  const char *provenance;   /* "key=value; ..." from the model and compiler */
  bfly_apply_fn apply;
  /* Splitting one vector across threads (version 2): the number of phases
   * of apply_phase, 0 (and a null apply_phase) for a kernel that cannot. */
  int64_t phases;
  int64_t phase_scratch_bytes;
  bfly_apply_phase_fn apply_phase;
} bfly_kernel_descriptor;

typedef const bfly_kernel_descriptor *(*bfly_kernel_query_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* BFLY_KERNEL_ABI_H */
