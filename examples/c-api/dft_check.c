/*===- dft_check.c - load a compiled DFT kernel from C and check it -------===*
 *
 * Uses nothing but the bfly runtime's C header: loads a kernel .so made by
 * bfly-compile, prints its descriptor, runs it on a random batch and
 * compares every output with a textbook O(n^2) unitary DFT computed here in
 * double precision.
 *
 *   dft-check KERNEL.so [--inverse]
 *
 * Exit status: 0 if the error is within the kernel precision's tolerance,
 * 1 if not, 2 if the kernel cannot be loaded or is not a complex transform.
 *
 *===----------------------------------------------------------------------===*/
#include "bfly/runtime.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kBatch = 3 };

/* A deterministic pseudo-random number in [-1, 1). */
static double next_random(unsigned long long *state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*state >> 11) / (double)(1ULL << 52) - 1.0;
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--inverse"))) {
    fprintf(stderr, "usage: %s KERNEL.so [--inverse]\n", argv[0]);
    return 2;
  }
  double sign = argc == 3 ? 1.0 : -1.0;

  bfly_kernel *kernel;
  if (bfly_kernel_load(argv[1], &kernel) != BFLY_OK) {
    fprintf(stderr, "dft-check: error: %s\n", bfly_last_error());
    return 2;
  }
  const bfly_kernel_descriptor *d = bfly_kernel_describe(kernel);
  int single = d->input_dtype == BFLY_DTYPE_COMPLEX_F32;
  if ((!single && d->input_dtype != BFLY_DTYPE_COMPLEX_F64) ||
      d->output_dtype != d->input_dtype) {
    fprintf(stderr,
            "dft-check: error: '%s' maps %s to %s, not complex to "
            "complex\n",
            argv[1], bfly_dtype_name(d->input_dtype),
            bfly_dtype_name(d->output_dtype));
    bfly_kernel_free(kernel);
    return 2;
  }
  long long n = (long long)d->n;
  printf("kernel %s: n=%lld %s cpu=%s features=%s flops=%lld\n", d->name, n,
         bfly_dtype_name(d->input_dtype), d->cpu, d->cpu_features,
         (long long)d->flops);
  printf("provenance: %s\n", d->provenance);

  size_t count = (size_t)(2 * n * kBatch);
  double *x = malloc(count * sizeof *x);
  void *in = malloc(count * bfly_dtype_size(d->input_dtype) / 2);
  void *out = malloc(count * bfly_dtype_size(d->output_dtype) / 2);
  unsigned long long state = 42;
  for (size_t i = 0; i < count; ++i) {
    x[i] = next_random(&state);
    if (single)
      ((float *)in)[i] = (float)x[i];
    else
      ((double *)in)[i] = x[i];
  }
  if (bfly_kernel_apply(kernel, in, out, kBatch) != BFLY_OK) {
    fprintf(stderr, "dft-check: error: %s\n", bfly_last_error());
    return 2;
  }

  double max_error = 0.0;
  for (long long b = 0; b < kBatch; ++b) {
    const double *xb = x + 2 * n * b;
    for (long long j = 0; j < n; ++j) {
      double re = 0.0, im = 0.0;
      for (long long k = 0; k < n; ++k) {
        double angle =
            sign * 2.0 * acos(-1.0) * (double)((j * k) % n) / (double)n;
        double c = cos(angle), s = sin(angle);
        re += xb[2 * k] * c - xb[2 * k + 1] * s;
        im += xb[2 * k] * s + xb[2 * k + 1] * c;
      }
      re /= sqrt((double)n);
      im /= sqrt((double)n);
      size_t at = (size_t)(2 * (n * b + j));
      double got_re = single ? ((float *)out)[at] : ((double *)out)[at];
      double got_im = single ? ((float *)out)[at + 1] : ((double *)out)[at + 1];
      double error = hypot(got_re - re, got_im - im);
      if (error > max_error)
        max_error = error;
    }
  }
  /* A unitary transform of unit-scale inputs: the error grows like log n. */
  double eps = single ? 1.2e-7 : 2.3e-16;
  double tolerance = 8.0 * eps * log2((double)n + 1.0);
  int ok = max_error <= tolerance;
  printf("max |error| vs textbook DFT over %d vectors: %.3g (tolerance %.3g): "
         "%s\n",
         kBatch, max_error, tolerance, ok ? "ok" : "FAILED");
  free(x);
  free(in);
  free(out);
  bfly_kernel_free(kernel);
  return ok ? 0 : 1;
}
