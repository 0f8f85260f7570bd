/*===- runtime.c - load and run compiled bfly kernels ---------------------===*/
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char last_error[1024];

bfly_status bfly_fail(bfly_status status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(last_error, sizeof last_error, format, args);
  va_end(args);
  return status;
}

void bfly_clear_error(void) { last_error[0] = '\0'; }

const char *bfly_last_error(void) { return last_error; }

const char *bfly_dtype_name(int32_t dtype) {
  switch (dtype) {
  case BFLY_DTYPE_F32:
    return "f32";
  case BFLY_DTYPE_F64:
    return "f64";
  case BFLY_DTYPE_COMPLEX_F32:
    return "complex<f32>";
  case BFLY_DTYPE_COMPLEX_F64:
    return "complex<f64>";
  default:
    return "unknown";
  }
}

size_t bfly_dtype_size(int32_t dtype) {
  switch (dtype) {
  case BFLY_DTYPE_F32:
    return 4;
  case BFLY_DTYPE_F64:
  case BFLY_DTYPE_COMPLEX_F32:
    return 8;
  case BFLY_DTYPE_COMPLEX_F64:
    return 16;
  default:
    return 0;
  }
}

/* Does this CPU have `feature` (a name from BFLY_KERNEL_CPU_FEATURES)?
 * __builtin_cpu_supports needs literal names, hence the table. */
static int cpu_has(const char *feature, size_t length) {
#define BFLY_CHECK(name)                                                       \
  if (length == sizeof(name) - 1 && strncmp(feature, name, length) == 0)       \
    return __builtin_cpu_supports(name);
#if defined(__x86_64__)
  __builtin_cpu_init();
  BFLY_CHECK("sse4.2")
  BFLY_CHECK("avx")
  BFLY_CHECK("avx2")
  BFLY_CHECK("fma")
  BFLY_CHECK("bmi2")
  BFLY_CHECK("f16c")
  BFLY_CHECK("avx512f")
  BFLY_CHECK("avx512dq")
  BFLY_CHECK("avx512bw")
  BFLY_CHECK("avx512vl")
  BFLY_CHECK("avx512cd")
#endif
#undef BFLY_CHECK
  return 0; /* a feature this runtime cannot check is one it cannot promise */
}

/* The first feature in the comma-separated `features` this CPU lacks. */
static bfly_status check_cpu(const char *path, const char *features) {
  const char *p = features;
  while (p && *p) {
    const char *end = strchr(p, ',');
    size_t length = end ? (size_t)(end - p) : strlen(p);
    if (length > 0 && !cpu_has(p, length))
      return bfly_fail(
          BFLY_ERROR_CPU,
          "'%s' needs the CPU feature '%.*s', which this CPU lacks "
          "(recompile it with --cpu=x86-64-v3 or for this CPU)",
          path, (int)length, p);
    p = end ? end + 1 : NULL;
  }
  return BFLY_OK;
}

static bfly_status malformed(const char *path, const char *field,
                             const char *why) {
  return bfly_fail(BFLY_ERROR_NOT_A_KERNEL,
                   "'%s' has a malformed descriptor: %s %s", path, field, why);
}

static bfly_status check_descriptor(const char *path,
                                    const bfly_kernel_descriptor *d) {
  if (!d)
    return bfly_fail(BFLY_ERROR_NOT_A_KERNEL,
                     "'%s' returned no kernel descriptor", path);
  if (d->abi_version != BFLY_KERNEL_ABI_VERSION)
    return bfly_fail(
        BFLY_ERROR_ABI_VERSION,
        "'%s' was built for bfly kernel ABI version %u, this runtime "
        "reads version %d: recompile it with this bfly",
        path, d->abi_version, BFLY_KERNEL_ABI_VERSION);
  if (d->descriptor_size < sizeof(bfly_kernel_descriptor))
    return malformed(path, "descriptor_size",
                     "is smaller than this ABI version's descriptor");
  /* A chain's length is a power of two up to BFLY_MAX_N; the caller's
   * lengths may differ from it (padding, a half spectrum) but stay within
   * twice that (real numbers packed as complex pairs). */
  const char *lengths[] = {"n", "output_n"};
  int64_t values[] = {d->n, d->output_n};
  for (int i = 0; i < 2; ++i)
    if (values[i] < 1 || values[i] > 2 * BFLY_MAX_N)
      return bfly_fail(BFLY_ERROR_NOT_A_KERNEL,
                       "'%s' has a malformed descriptor: %s is %lld, not "
                       "from 1 to %lld (2 BFLY_MAX_N)",
                       path, lengths[i], (long long)values[i],
                       (long long)(2 * BFLY_MAX_N));
  if (bfly_dtype_size(d->input_dtype) == 0)
    return malformed(path, "input_dtype", "is not a bfly_dtype");
  if (bfly_dtype_size(d->output_dtype) == 0)
    return malformed(path, "output_dtype", "is not a bfly_dtype");
  if (!d->name)
    return malformed(path, "name", "is null");
  if (!d->cpu)
    return malformed(path, "cpu", "is null");
  if (!d->cpu_features)
    return malformed(path, "cpu_features", "is null");
  if (!d->provenance)
    return malformed(path, "provenance", "is null");
  if (d->flops < 0)
    return malformed(path, "flops", "is negative");
  if (d->nonzero_twiddles < 0)
    return malformed(path, "nonzero_twiddles", "is negative");
  if (!d->apply)
    return malformed(path, "apply", "is null");
  if (d->phases < 0 || d->phase_scratch_bytes < 0)
    return malformed(path, "phases", "or phase_scratch_bytes is negative");
  if ((d->phases > 0) != (d->apply_phase != NULL) ||
      (d->phases > 0) != (d->phase_scratch_bytes > 0))
    return malformed(path, "apply_phase",
                     "does not agree with phases and phase_scratch_bytes "
                     "(all set, or all zero)");
  return check_cpu(path, d->cpu_features);
}

bfly_status bfly_kernel_load(const char *path, bfly_kernel **kernel) {
  if (!path || !kernel)
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "bfly_kernel_load: null argument");
  *kernel = NULL;
  // A kernel is a file: "k.so" means ./k.so, not a search of the library
  // path as dlopen would do for a name without a slash.
  void *library;
  if (strchr(path, '/')) {
    library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  } else {
    size_t length = strlen(path);
    char *relative = malloc(length + 3);
    if (!relative)
      return bfly_fail(BFLY_ERROR_OPEN, "out of memory loading '%s'", path);
    memcpy(relative, "./", 2);
    memcpy(relative + 2, path, length + 1);
    library = dlopen(relative, RTLD_NOW | RTLD_LOCAL);
    free(relative);
  }
  if (!library)
    return bfly_fail(BFLY_ERROR_OPEN, "cannot load '%s': %s", path, dlerror());
  bfly_kernel_query_fn query;
  *(void **)&query = dlsym(library, BFLY_KERNEL_QUERY_SYMBOL);
  if (!query) {
    dlclose(library);
    return bfly_fail(BFLY_ERROR_NOT_A_KERNEL,
                     "'%s' is not a bfly kernel: it has no '%s' symbol", path,
                     BFLY_KERNEL_QUERY_SYMBOL);
  }
  const bfly_kernel_descriptor *descriptor = query();
  bfly_status status = check_descriptor(path, descriptor);
  if (status != BFLY_OK) {
    dlclose(library);
    return status;
  }
  bfly_kernel *result = malloc(sizeof *result);
  if (!result) {
    dlclose(library);
    return bfly_fail(BFLY_ERROR_OPEN, "out of memory loading '%s'", path);
  }
  result->library = library;
  result->owner = NULL;
  result->release = NULL;
  result->descriptor = descriptor;
  *kernel = result;
  bfly_clear_error();
  return BFLY_OK;
}

bfly_status bfly_kernel_adopt(const bfly_kernel_descriptor *descriptor,
                              const char *origin, void *owner,
                              void (*release)(void *owner),
                              bfly_kernel **kernel) {
  if (!kernel || !origin)
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "bfly_kernel_adopt: null argument");
  *kernel = NULL;
  bfly_status status = check_descriptor(origin, descriptor);
  if (status != BFLY_OK)
    return status;
  bfly_kernel *result = malloc(sizeof *result);
  if (!result)
    return bfly_fail(BFLY_ERROR_RESOURCES, "out of memory adopting '%s'",
                     origin);
  result->library = NULL;
  result->owner = owner;
  result->release = release;
  result->descriptor = descriptor;
  *kernel = result;
  bfly_clear_error();
  return BFLY_OK;
}

bfly_status bfly_kernel_expect(const bfly_kernel *kernel, int64_t n,
                               int32_t input_dtype, int32_t output_dtype) {
  if (!kernel)
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "bfly_kernel_expect: no kernel");
  const bfly_kernel_descriptor *d = kernel->descriptor;
  if (d->n != n)
    return bfly_fail(BFLY_ERROR_MISMATCH,
                     "kernel '%s' takes vectors of length %lld, expected %lld",
                     d->name, (long long)d->n, (long long)n);
  if ((input_dtype && d->input_dtype != input_dtype) ||
      (output_dtype && d->output_dtype != output_dtype))
    return bfly_fail(BFLY_ERROR_MISMATCH,
                     "kernel '%s' maps %s to %s, expected %s to %s", d->name,
                     bfly_dtype_name(d->input_dtype),
                     bfly_dtype_name(d->output_dtype),
                     input_dtype ? bfly_dtype_name(input_dtype) : "any",
                     output_dtype ? bfly_dtype_name(output_dtype) : "any");
  return BFLY_OK;
}

const bfly_kernel_descriptor *bfly_kernel_describe(const bfly_kernel *kernel) {
  return kernel ? kernel->descriptor : NULL;
}

bfly_status bfly_kernel_apply_strided(const bfly_kernel *kernel, const void *in,
                                      int64_t in_dist, void *out,
                                      int64_t out_dist, int64_t batch) {
  if (!kernel || !in || !out)
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "bfly_kernel_apply: null kernel or buffer");
  bfly_layout layout = {batch, in_dist, 1, out_dist, 1};
  bfly_status status = bfly_check_layout(kernel->descriptor, in, out, &layout,
                                         "bfly_kernel_apply");
  if (status != BFLY_OK)
    return status;
  bfly_apply_vectors(kernel->descriptor, in, out, batch, in_dist, out_dist);
  return BFLY_OK;
}

bfly_status bfly_kernel_apply(const bfly_kernel *kernel, const void *in,
                              void *out, int64_t batch) {
  const bfly_kernel_descriptor *d = kernel ? kernel->descriptor : NULL;
  return bfly_kernel_apply_strided(kernel, in, d ? d->n : 0, out,
                                   d ? d->output_n : 0, batch);
}

void bfly_kernel_free(bfly_kernel *kernel) {
  if (!kernel)
    return;
  if (kernel->library)
    dlclose(kernel->library);
  if (kernel->release)
    kernel->release(kernel->owner);
  free(kernel);
}
