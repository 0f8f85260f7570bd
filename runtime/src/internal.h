/*===- internal.h - what the runtime's sources share ----------------------===*/
#ifndef BFLY_RUNTIME_INTERNAL_H
#define BFLY_RUNTIME_INTERNAL_H

#include "bfly/runtime.h"

/* A kernel from a shared object (library) or handed over by an embedder such
 * as the JIT (owner, released with release(owner)). */
struct bfly_kernel {
  void *library;
  void *owner;
  void (*release)(void *owner);
  const bfly_kernel_descriptor *descriptor;
};

/* Records the message for bfly_last_error() and returns `status`. */
bfly_status bfly_fail(bfly_status status, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
void bfly_clear_error(void);

/* BFLY_OK if `d`'s kernel may run on `layout` from `in` to `out` (both
 * non-null); otherwise a status and a message that starts with `caller`. */
bfly_status bfly_check_layout(const bfly_kernel_descriptor *d, const void *in,
                              const void *out, const bfly_layout *layout,
                              const char *caller);

/* Applies `d` to `batch` contiguous-element vectors, as d->apply does. A
 * kernel with phases runs them through scratch this thread keeps between
 * calls, rather than allocating its own on every call (its apply's). */
void bfly_apply_vectors(const bfly_kernel_descriptor *d, const void *in,
                        void *out, int64_t batch, int64_t in_dist,
                        int64_t out_dist);

#endif /* BFLY_RUNTIME_INTERNAL_H */
