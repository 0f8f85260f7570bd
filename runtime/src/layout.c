/*===- layout.c - which batch layouts a kernel may be applied to ----------===*
 *
 * One check for bfly_kernel_apply_strided and bfly_plan_execute: every
 * address a call computes fits in 63 bits, output vectors do not share
 * elements, and the output is the input exactly (in place) or apart from it.
 *
 *===----------------------------------------------------------------------===*/
#include "internal.h"

#include <stdint.h>

/* Bytes from the first element the vectors reach to one past the last, or
 * -1 when that does not fit in 63 bits. */
static int64_t span_bytes(int64_t n, int64_t batch, int64_t dist,
                          int64_t stride, size_t size) {
  int64_t a, b, last, bytes;
  if (__builtin_mul_overflow(batch - 1, dist, &a) ||
      __builtin_mul_overflow(n - 1, stride, &b) ||
      __builtin_add_overflow(a, b, &last) ||
      __builtin_add_overflow(last, 1, &last) ||
      __builtin_mul_overflow(last, (int64_t)size, &bytes))
    return -1;
  return bytes;
}

/* Whether no two vectors share an element: each vector's elements lie
 * between two consecutive vector starts (rows), or the vectors interleave
 * within every stride (columns). The layout's span did not overflow, so
 * neither do these products. */
static int vectors_disjoint(int64_t n, int64_t batch, int64_t dist,
                            int64_t stride) {
  if (batch == 1)
    return 1;
  return dist >= 1 && (dist > (n - 1) * stride || stride > (batch - 1) * dist);
}

bfly_status bfly_check_layout(const bfly_kernel_descriptor *d, const void *in,
                              const void *out, const bfly_layout *l,
                              const char *caller) {
  if (l->batch < 1)
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "%s: batch must be at least 1, got %lld", caller,
                     (long long)l->batch);
  if (l->in_stride < 1 || l->out_stride < 1 || l->in_dist < 0 ||
      l->out_dist < 0)
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "%s: element strides must be positive "
                     "and distances non-negative, got in %lld/%lld, out "
                     "%lld/%lld (distance/stride)",
                     caller, (long long)l->in_dist, (long long)l->in_stride,
                     (long long)l->out_dist, (long long)l->out_stride);
  int64_t in_bytes = span_bytes(d->n, l->batch, l->in_dist, l->in_stride,
                                bfly_dtype_size(d->input_dtype));
  int64_t out_bytes =
      span_bytes(d->output_n, l->batch, l->out_dist, l->out_stride,
                 bfly_dtype_size(d->output_dtype));
  if (in_bytes < 0 || out_bytes < 0)
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "%s: the layout reaches beyond 2^63 bytes", caller);
  if (!vectors_disjoint(d->output_n, l->batch, l->out_dist, l->out_stride))
    return bfly_fail(BFLY_ERROR_OVERLAP,
                     "%s: output vectors overlap (distance "
                     "%lld, stride %lld, %lld vectors of length %lld)",
                     caller, (long long)l->out_dist, (long long)l->out_stride,
                     (long long)l->batch, (long long)d->output_n);
  if (in == out) {
    if (d->input_dtype != d->output_dtype || d->n != d->output_n ||
        l->in_dist != l->out_dist || l->in_stride != l->out_stride)
      return bfly_fail(BFLY_ERROR_OVERLAP,
                       "%s: in place (out == in) needs equal "
                       "input and output types, lengths and layouts",
                       caller);
    return BFLY_OK;
  }
  uintptr_t in_begin = (uintptr_t)in, out_begin = (uintptr_t)out;
  if (in_begin < out_begin + (uint64_t)out_bytes &&
      out_begin < in_begin + (uint64_t)in_bytes)
    return bfly_fail(BFLY_ERROR_OVERLAP,
                     "%s: the output overlaps the input in an "
                     "out-of-place call (use out == in with equal layouts "
                     "for in place)",
                     caller);
  return BFLY_OK;
}
