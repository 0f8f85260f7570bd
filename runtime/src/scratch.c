/*===- scratch.c - a thread's scratch for kernels with phases -------------===*
 *
 * A large kernel's own apply allocates its scratch (megabytes) on every
 * call and frees it after, which can cost more than the transform when the
 * allocator hands the memory back to the system each time (page faults on
 * every call). Kernels with phases (kernel_abi.h) and heap scratch take
 * it from their caller instead: each thread keeps one buffer, grown as
 * needed and freed when the thread exits.
 *
 *===----------------------------------------------------------------------===*/
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>

struct scratch {
  void *data;
  size_t bytes;
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static int scratch_key_ok;

static void free_scratch(void *value) {
  struct scratch *scratch = value;
  free(scratch->data);
  free(scratch);
}

static void create_scratch_key(void) {
  scratch_key_ok = pthread_key_create(&scratch_key, free_scratch) == 0;
}

/* This thread's scratch of at least `bytes` (64-byte aligned), or null. */
static void *thread_scratch(size_t bytes) {
  pthread_once(&scratch_once, create_scratch_key);
  if (!scratch_key_ok)
    return NULL;
  struct scratch *scratch = pthread_getspecific(scratch_key);
  if (!scratch) {
    scratch = calloc(1, sizeof *scratch);
    if (!scratch || pthread_setspecific(scratch_key, scratch) != 0) {
      free(scratch);
      return NULL;
    }
  }
  if (scratch->bytes < bytes) {
    size_t rounded = (bytes + 63) & ~(size_t)63;
    void *data = aligned_alloc(64, rounded);
    if (!data)
      return NULL;
    free(scratch->data);
    scratch->data = data;
    scratch->bytes = rounded;
  }
  return scratch->data;
}

void bfly_apply_vectors(const bfly_kernel_descriptor *d, const void *in,
                        void *out, int64_t batch, int64_t in_dist,
                        int64_t out_dist) {
  /* A kernel whose scratch fits its stack allocates nothing per call, and
   * its own apply is a few percent faster than calling phase by phase. */
  int heap_scratch =
      d->phases > 0 && d->phase_scratch_bytes > BFLY_KERNEL_MAX_STACK_BYTES;
  void *scratch =
      heap_scratch ? thread_scratch((size_t)d->phase_scratch_bytes) : NULL;
  if (!scratch) { /* no phases, or no memory: the kernel's own way */
    d->apply(in, out, batch, in_dist, out_dist);
    return;
  }
  size_t isize = bfly_dtype_size(d->input_dtype);
  size_t osize = bfly_dtype_size(d->output_dtype);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t phase = 0; phase < d->phases; ++phase)
      d->apply_phase((const char *)in + b * in_dist * isize,
                     (char *)out + b * out_dist * osize, scratch, phase, 0, 1);
}
