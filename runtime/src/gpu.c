/*===- gpu.c - load and run bfly GPU kernels through the CUDA driver API ---===*
 *
 * libcuda.so.1 is opened with dlopen on first use and its entry points are
 * looked up by name (the _v2 ones where the driver has two), so the runtime
 * builds and runs without CUDA and reports BFLY_ERROR_NO_DRIVER. Each kernel
 * keeps the device's primary context retained and pushes it around every
 * driver call, so callers need not manage contexts.
 *
 *===----------------------------------------------------------------------===*/
#define _GNU_SOURCE
#include "bfly/gpu.h"
#include "internal.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The driver API's types and constants this file uses (cuda.h). */
typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext;
typedef void *CUmodule;
typedef void *CUfunction;
typedef void *CUstream;
typedef unsigned long long CUdeviceptr;
enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_NO_DEVICE = 100,
  CUDA_ERROR_INVALID_DEVICE = 101,
  CUDA_ERROR_STUB_LIBRARY = 34,
  CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
  CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97,
  CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
  CU_JIT_ERROR_LOG_BUFFER = 5,
  CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6
};

static struct {
  CUresult (*init)(unsigned);
  CUresult (*deviceGetCount)(int *);
  CUresult (*deviceGet)(CUdevice *, int);
  CUresult (*deviceGetAttribute)(int *, int, CUdevice);
  CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*primaryCtxRelease)(CUdevice);
  CUresult (*ctxPush)(CUcontext);
  CUresult (*ctxPop)(CUcontext *);
  CUresult (*ctxSynchronize)(void);
  CUresult (*moduleLoadDataEx)(CUmodule *, const void *, unsigned, int *,
                               void **);
  CUresult (*moduleUnload)(CUmodule);
  CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*funcSetAttribute)(CUfunction, int, int);
  CUresult (*launchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                           unsigned, unsigned, unsigned, CUstream, void **,
                           void **);
  CUresult (*memAlloc)(CUdeviceptr *, size_t);
  CUresult (*memFree)(CUdeviceptr);
  CUresult (*memcpyHtoD)(CUdeviceptr, const void *, size_t);
  CUresult (*memcpyDtoH)(void *, CUdeviceptr, size_t);
  CUresult (*getErrorString)(CUresult, const char **);
} cu;

static pthread_once_t driver_once = PTHREAD_ONCE_INIT;
static bfly_status driver_status;
static char driver_error[512];

static void load_driver(void) {
  void *library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    driver_status = BFLY_ERROR_NO_DRIVER;
    snprintf(driver_error, sizeof driver_error,
             "no NVIDIA driver: libcuda.so.1 cannot be loaded (%s)", dlerror());
    return;
  }
  struct {
    void **slot;
    const char *name;
  } entries[] = {
      {(void **)&cu.init, "cuInit"},
      {(void **)&cu.deviceGetCount, "cuDeviceGetCount"},
      {(void **)&cu.deviceGet, "cuDeviceGet"},
      {(void **)&cu.deviceGetAttribute, "cuDeviceGetAttribute"},
      {(void **)&cu.primaryCtxRetain, "cuDevicePrimaryCtxRetain"},
      {(void **)&cu.primaryCtxRelease, "cuDevicePrimaryCtxRelease_v2"},
      {(void **)&cu.ctxPush, "cuCtxPushCurrent_v2"},
      {(void **)&cu.ctxPop, "cuCtxPopCurrent_v2"},
      {(void **)&cu.ctxSynchronize, "cuCtxSynchronize"},
      {(void **)&cu.moduleLoadDataEx, "cuModuleLoadDataEx"},
      {(void **)&cu.moduleUnload, "cuModuleUnload"},
      {(void **)&cu.moduleGetFunction, "cuModuleGetFunction"},
      {(void **)&cu.funcSetAttribute, "cuFuncSetAttribute"},
      {(void **)&cu.launchKernel, "cuLaunchKernel"},
      {(void **)&cu.memAlloc, "cuMemAlloc_v2"},
      {(void **)&cu.memFree, "cuMemFree_v2"},
      {(void **)&cu.memcpyHtoD, "cuMemcpyHtoD_v2"},
      {(void **)&cu.memcpyDtoH, "cuMemcpyDtoH_v2"},
      {(void **)&cu.getErrorString, "cuGetErrorString"},
  };
  for (size_t i = 0; i < sizeof entries / sizeof entries[0]; ++i) {
    *entries[i].slot = dlsym(library, entries[i].name);
    if (!*entries[i].slot) {
      driver_status = BFLY_ERROR_NO_DRIVER;
      snprintf(driver_error, sizeof driver_error,
               "the NVIDIA driver's libcuda.so.1 has no '%s': too old",
               entries[i].name);
      return;
    }
  }
  CUresult result = cu.init(0);
  if (result == CUDA_ERROR_STUB_LIBRARY) {
    driver_status = BFLY_ERROR_NO_DRIVER;
    snprintf(driver_error, sizeof driver_error,
             "no NVIDIA driver: libcuda.so.1 is the CUDA toolkit's stub");
    return;
  }
  if (result == CUDA_ERROR_NO_DEVICE) {
    driver_status = BFLY_ERROR_NO_DEVICE;
    snprintf(driver_error, sizeof driver_error,
             "the NVIDIA driver finds no GPU");
    return;
  }
  if (result != CUDA_SUCCESS) {
    driver_status = BFLY_ERROR_GPU;
    snprintf(driver_error, sizeof driver_error,
             "the NVIDIA driver does not start: cuInit returned %d", result);
    return;
  }
  driver_status = BFLY_OK;
}

/* BFLY_OK once the driver is loaded and initialized. */
static bfly_status driver(void) {
  pthread_once(&driver_once, load_driver);
  if (driver_status != BFLY_OK)
    return bfly_fail(driver_status, "%s", driver_error);
  return BFLY_OK;
}

static const char *error_text(CUresult result) {
  const char *text = NULL;
  if (cu.getErrorString && cu.getErrorString(result, &text) == CUDA_SUCCESS &&
      text)
    return text;
  return "unknown CUDA error";
}

struct bfly_gpu_kernel {
  void *library; /* the .so, or NULL for a kernel made from memory */
  const bfly_gpu_kernel_descriptor *descriptor;
  /* A kernel made from memory: its own copy of the descriptor, of its
   * launches and of the strings they point to. */
  bfly_gpu_kernel_descriptor copy;
  bfly_gpu_launch copied_launches[BFLY_GPU_MAX_LAUNCHES];
  char *strings;
  CUdevice device;
  CUcontext context;
  CUmodule module;
  CUfunction functions[BFLY_GPU_MAX_LAUNCHES]; /* one per launch */
};

/* Blocks one launch may have in x. */
#define BFLY_GPU_MAX_BLOCKS 2147483647LL
/* Shared memory a block has without opting in. */
#define BFLY_GPU_STATIC_SHARED_BYTES (48 * 1024)

static int is_power_of_two(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

static bfly_status malformed(const char *origin, const char *field,
                             const char *why) {
  return bfly_fail(BFLY_ERROR_NOT_A_KERNEL,
                   "'%s' has a malformed GPU descriptor: %s %s", origin, field,
                   why);
}

bfly_status bfly_gpu_descriptor_check(const bfly_gpu_kernel_descriptor *d,
                                      const char *origin) {
  if (!origin)
    origin = "(unnamed)";
  if (!d)
    return bfly_fail(BFLY_ERROR_NOT_A_KERNEL,
                     "'%s' returned no GPU kernel descriptor", origin);
  if (d->abi_version != BFLY_GPU_KERNEL_ABI_VERSION)
    return bfly_fail(BFLY_ERROR_ABI_VERSION,
                     "'%s' was built for bfly GPU kernel ABI version %u, this "
                     "runtime reads version %d: recompile it with this bfly",
                     origin, d->abi_version, BFLY_GPU_KERNEL_ABI_VERSION);
  if (d->descriptor_size < sizeof(bfly_gpu_kernel_descriptor))
    return malformed(origin, "descriptor_size",
                     "is smaller than this ABI version's descriptor");
  if (!is_power_of_two(d->n) || d->n < 2 || d->n > BFLY_MAX_N)
    return malformed(origin, "n", "is not a power of two from 2 to BFLY_MAX_N");
  if (bfly_dtype_size(d->input_dtype) == 0)
    return malformed(origin, "input_dtype", "is not a bfly_dtype");
  if (bfly_dtype_size(d->output_dtype) == 0)
    return malformed(origin, "output_dtype", "is not a bfly_dtype");
  const char *strings[] = {d->name, d->isa, d->arch, d->image, d->provenance};
  const char *names[] = {"name", "isa", "arch", "image", "provenance"};
  for (int i = 0; i < 5; ++i)
    if (!strings[i])
      return malformed(origin, names[i], "is null");
  if (strcmp(d->isa, "ptx") != 0)
    return malformed(origin, "isa", "is not \"ptx\"");
  unsigned arch = 0;
  if (sscanf(d->arch, "sm_%u", &arch) != 1 || arch < 50)
    return malformed(origin, "arch", "is not an architecture sm_XX");
  if (d->image_size < 0 || strlen(d->image) != (size_t)d->image_size)
    return malformed(origin, "image_size", "is not the PTX text's length");
  if (d->launch_count < 1 || d->launch_count > BFLY_GPU_MAX_LAUNCHES)
    return malformed(origin, "launch_count",
                     "is not from 1 to BFLY_GPU_MAX_LAUNCHES");
  if (!d->launches)
    return malformed(origin, "launches", "is null");
  if (d->in_place != 0 && d->in_place != 1)
    return malformed(origin, "in_place", "is not 0 or 1");
  for (int i = 0; i < d->launch_count; ++i) {
    const bfly_gpu_launch *l = &d->launches[i];
    if (!l->entry)
      return malformed(origin, "launches[].entry", "is null");
    if (l->block_threads < 1 || l->block_threads > 1024)
      return malformed(origin, "launches[].block_threads",
                       "is not from 1 to 1024");
    if (l->vectors_per_block < 1 || l->block_threads % l->vectors_per_block)
      return malformed(origin, "launches[].vectors_per_block",
                       "does not divide block_threads");
    if (l->shared_bytes < 0 || l->shared_bytes > 1024 * 1024)
      return malformed(origin, "launches[].shared_bytes",
                       "is not from 0 to 1 MiB");
    if (!is_power_of_two(l->tiles) || l->tiles > d->n)
      return malformed(origin, "launches[].tiles",
                       "is not a power of two up to n");
    if (l->reads_output != (i > 0))
      return malformed(origin, "launches[].reads_output",
                       "is not 0 for the first launch and 1 for the others");
  }
  if (d->flops < 0 || d->nonzero_twiddles < 0)
    return malformed(origin, "flops", "or nonzero_twiddles is negative");
  return BFLY_OK;
}

/* Loads the PTX into `kernel->context`, with the JIT's log on failure,
 * and opts the kernel in to the dynamic shared memory it needs. */
static bfly_status load_module(const char *path, bfly_gpu_kernel *kernel) {
  const bfly_gpu_kernel_descriptor *d = kernel->descriptor;
  char log[4096] = "";
  int options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {log, (void *)(size_t)sizeof log};
  CUresult result =
      cu.moduleLoadDataEx(&kernel->module, d->image, 2, options, values);
  if (result != CUDA_SUCCESS)
    return bfly_fail(BFLY_ERROR_GPU,
                     "the driver cannot load the PTX of '%s' (%s): %s", path,
                     error_text(result), log[0] ? log : "no JIT log");
  for (int i = 0; i < d->launch_count; ++i) {
    const bfly_gpu_launch *l = &d->launches[i];
    result =
        cu.moduleGetFunction(&kernel->functions[i], kernel->module, l->entry);
    if (result != CUDA_SUCCESS)
      return bfly_fail(BFLY_ERROR_GPU,
                       "'%s' has no kernel '%s' in its PTX (%s)", path,
                       l->entry, error_text(result));
    if (l->shared_bytes <= BFLY_GPU_STATIC_SHARED_BYTES)
      continue;
    int most = 0;
    cu.deviceGetAttribute(&most,
                          CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
                          kernel->device);
    if (l->shared_bytes > most)
      return bfly_fail(BFLY_ERROR_GPU,
                       "'%s' needs %d KiB of shared memory per block; this "
                       "GPU gives a block at most %d KiB: recompile it with "
                       "a smaller --max-shared-bytes",
                       path, l->shared_bytes / 1024, most / 1024);
    result = cu.funcSetAttribute(
        kernel->functions[i], CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
        l->shared_bytes);
    if (result != CUDA_SUCCESS)
      return bfly_fail(BFLY_ERROR_GPU,
                       "'%s': the driver refuses %d KiB of shared memory (%s)",
                       path, l->shared_bytes / 1024, error_text(result));
  }
  return BFLY_OK;
}

void bfly_gpu_kernel_free(bfly_gpu_kernel *kernel) {
  if (!kernel)
    return;
  if (kernel->context) {
    if (kernel->module && cu.ctxPush(kernel->context) == CUDA_SUCCESS) {
      cu.moduleUnload(kernel->module);
      CUcontext popped;
      cu.ctxPop(&popped);
    }
    cu.primaryCtxRelease(kernel->device);
  }
  if (kernel->library)
    dlclose(kernel->library);
  free(kernel->strings);
  free(kernel);
}

/* Checks the descriptor, finds the device and loads the kernel's PTX on
 * it; frees `result` on failure. */
static bfly_status open_kernel(bfly_gpu_kernel *result, const char *path,
                               int device, bfly_gpu_kernel **kernel) {
  bfly_status status = bfly_gpu_descriptor_check(result->descriptor, path);
  if (status == BFLY_OK)
    status = driver();
  int count = 0;
  if (status == BFLY_OK && (cu.deviceGetCount(&count) != CUDA_SUCCESS ||
                            device < 0 || device >= count))
    status =
        bfly_fail(BFLY_ERROR_NO_DEVICE,
                  "there is no GPU %d (the driver finds %d)", device, count);
  int major = 0, minor = 0;
  if (status == BFLY_OK) {
    cu.deviceGet(&result->device, device);
    cu.deviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                          result->device);
    cu.deviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                          result->device);
    unsigned arch = 0;
    sscanf(result->descriptor->arch, "sm_%u", &arch);
    if ((unsigned)(major * 10 + minor) < arch)
      status = bfly_fail(BFLY_ERROR_GPU_ARCH,
                         "'%s' is for %s; GPU %d is sm_%d%d: recompile it "
                         "with --target=cuda:sm_%d%d",
                         path, result->descriptor->arch, device, major, minor,
                         major, minor);
  }
  if (status == BFLY_OK) {
    CUresult retained = cu.primaryCtxRetain(&result->context, result->device);
    if (retained != CUDA_SUCCESS) {
      result->context = NULL;
      status = bfly_fail(BFLY_ERROR_GPU, "cannot use GPU %d: %s", device,
                         error_text(retained));
    }
  }
  if (status == BFLY_OK) {
    cu.ctxPush(result->context);
    status = load_module(path, result);
    CUcontext popped;
    cu.ctxPop(&popped);
  }
  if (status != BFLY_OK) {
    bfly_gpu_kernel_free(result);
    return status;
  }
  *kernel = result;
  bfly_clear_error();
  return BFLY_OK;
}

bfly_status bfly_gpu_kernel_load(const char *path, int device,
                                 bfly_gpu_kernel **kernel) {
  if (!path || !kernel)
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "bfly_gpu_kernel_load: null argument");
  *kernel = NULL;
  bfly_gpu_kernel *result = calloc(1, sizeof *result);
  if (!result)
    return bfly_fail(BFLY_ERROR_RESOURCES, "out of memory loading '%s'", path);
  char relative[4096];
  /* Like bfly_kernel_load: a bare name is a file in the working folder. */
  snprintf(relative, sizeof relative, "%s%s", strchr(path, '/') ? "" : "./",
           path);
  result->library = dlopen(relative, RTLD_NOW | RTLD_LOCAL);
  if (!result->library) {
    bfly_status status =
        bfly_fail(BFLY_ERROR_OPEN, "cannot load '%s': %s", path, dlerror());
    bfly_gpu_kernel_free(result);
    return status;
  }
  bfly_gpu_kernel_query_fn query;
  *(void **)&query = dlsym(result->library, BFLY_GPU_KERNEL_QUERY_SYMBOL);
  if (!query) {
    bfly_gpu_kernel_free(result);
    return bfly_fail(BFLY_ERROR_NOT_A_KERNEL,
                     "'%s' is not a bfly GPU kernel: it has no '%s' symbol",
                     path, BFLY_GPU_KERNEL_QUERY_SYMBOL);
  }
  result->descriptor = query();
  return open_kernel(result, path, device, kernel);
}

bfly_status bfly_gpu_kernel_create(const bfly_gpu_kernel_descriptor *descriptor,
                                   const char *origin, int device,
                                   bfly_gpu_kernel **kernel) {
  if (!descriptor || !kernel)
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "bfly_gpu_kernel_create: null argument");
  *kernel = NULL;
  if (!origin)
    origin = "(in memory)";
  bfly_status status = bfly_gpu_descriptor_check(descriptor, origin);
  if (status != BFLY_OK)
    return status;
  bfly_gpu_kernel *result = calloc(1, sizeof *result);
  if (!result)
    return bfly_fail(BFLY_ERROR_RESOURCES, "out of memory for '%s'", origin);
  /* Copy the descriptor, its launches and their strings: the caller's may
   * go away. */
  result->copy = *descriptor;
  memcpy(result->copied_launches, descriptor->launches,
         (size_t)descriptor->launch_count * sizeof(bfly_gpu_launch));
  result->copy.launches = result->copied_launches;
  const char **fields[5 + BFLY_GPU_MAX_LAUNCHES] = {
      &result->copy.name, &result->copy.isa, &result->copy.arch,
      &result->copy.image, &result->copy.provenance};
  size_t count = 5;
  for (int i = 0; i < descriptor->launch_count; ++i)
    fields[count++] = &result->copied_launches[i].entry;
  size_t total = 0;
  for (size_t i = 0; i < count; ++i)
    total += strlen(*fields[i]) + 1;
  result->strings = malloc(total);
  if (!result->strings) {
    free(result);
    return bfly_fail(BFLY_ERROR_RESOURCES, "out of memory for '%s'", origin);
  }
  char *next = result->strings;
  for (size_t i = 0; i < count; ++i) {
    size_t length = strlen(*fields[i]) + 1;
    memcpy(next, *fields[i], length);
    *fields[i] = next;
    next += length;
  }
  result->descriptor = &result->copy;
  return open_kernel(result, origin, device, kernel);
}

const bfly_gpu_kernel_descriptor *
bfly_gpu_kernel_describe(const bfly_gpu_kernel *kernel) {
  return kernel ? kernel->descriptor : NULL;
}

bfly_status bfly_gpu_kernel_apply(const bfly_gpu_kernel *kernel, uint64_t in,
                                  int64_t in_dist, uint64_t out,
                                  int64_t out_dist, int64_t batch,
                                  void *stream) {
  if (!kernel || !in || !out)
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "bfly_gpu_kernel_apply: null kernel or buffer");
  const bfly_gpu_kernel_descriptor *d = kernel->descriptor;
  /* The layout check of the CPU path, on a descriptor of the same shape. */
  bfly_kernel_descriptor shape = {0};
  shape.n = d->n;
  shape.input_dtype = d->input_dtype;
  shape.output_dtype = d->output_dtype;
  bfly_layout layout = {batch, in_dist, 1, out_dist, 1};
  bfly_status status = bfly_check_layout(&shape, (const void *)(uintptr_t)in,
                                         (const void *)(uintptr_t)out, &layout,
                                         "bfly_gpu_kernel_apply");
  if (status != BFLY_OK)
    return status;
  if (!d->in_place && in == out)
    return bfly_fail(BFLY_ERROR_OVERLAP,
                     "bfly_gpu_kernel_apply: '%s' gathers its input across "
                     "the vector while it writes: give it an output apart "
                     "from its input",
                     d->name);
  int64_t in_bytes = (int64_t)bfly_dtype_size(d->input_dtype);
  int64_t out_bytes = (int64_t)bfly_dtype_size(d->output_dtype);
  if (cu.ctxPush(kernel->context) != CUDA_SUCCESS)
    return bfly_fail(BFLY_ERROR_GPU, "bfly_gpu_kernel_apply: no context");
  CUresult result = CUDA_SUCCESS;
  for (int i = 0; i < d->launch_count && result == CUDA_SUCCESS; ++i) {
    const bfly_gpu_launch *l = &d->launches[i];
    /* ceil(batch * tiles / V) blocks; a batch beyond the grid's limit in
     * several launches, each on the next vectors. */
    int64_t per_launch = BFLY_GPU_MAX_BLOCKS * l->vectors_per_block / l->tiles;
    for (int64_t first = 0; first < batch && result == CUDA_SUCCESS;
         first += per_launch) {
      int64_t count = batch - first < per_launch ? batch - first : per_launch;
      CUdeviceptr source = l->reads_output
                               ? out + (uint64_t)(first * out_dist * out_bytes)
                               : in + (uint64_t)(first * in_dist * in_bytes);
      int64_t source_dist = l->reads_output ? out_dist : in_dist;
      CUdeviceptr target = out + (uint64_t)(first * out_dist * out_bytes);
      void *arguments[] = {&source, &target, &count, &source_dist, &out_dist};
      int64_t items = count * l->tiles;
      unsigned blocks =
          (unsigned)((items + l->vectors_per_block - 1) / l->vectors_per_block);
      result = cu.launchKernel(
          kernel->functions[i], blocks, 1, 1, (unsigned)l->block_threads, 1, 1,
          (unsigned)l->shared_bytes, (CUstream)stream, arguments, NULL);
    }
  }
  CUcontext popped;
  cu.ctxPop(&popped);
  if (result != CUDA_SUCCESS)
    return bfly_fail(BFLY_ERROR_GPU, "launching '%s' failed: %s", d->name,
                     error_text(result));
  return BFLY_OK;
}

bfly_status bfly_gpu_kernel_apply_host(const bfly_gpu_kernel *kernel,
                                       const void *in, void *out,
                                       int64_t batch) {
  if (!kernel || !in || !out)
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "bfly_gpu_kernel_apply_host: null kernel or buffer");
  if (batch < 1)
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "bfly_gpu_kernel_apply_host: batch must be at least 1, "
                     "got %lld",
                     (long long)batch);
  const bfly_gpu_kernel_descriptor *d = kernel->descriptor;
  size_t in_bytes, out_bytes;
  if (__builtin_mul_overflow((size_t)batch,
                             (size_t)d->n * bfly_dtype_size(d->input_dtype),
                             &in_bytes) ||
      __builtin_mul_overflow((size_t)batch,
                             (size_t)d->n * bfly_dtype_size(d->output_dtype),
                             &out_bytes))
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "bfly_gpu_kernel_apply_host: the batch overflows");
  if (cu.ctxPush(kernel->context) != CUDA_SUCCESS)
    return bfly_fail(BFLY_ERROR_GPU, "bfly_gpu_kernel_apply_host: no context");
  CUdeviceptr device_in = 0, device_out = 0;
  CUresult result = cu.memAlloc(&device_in, in_bytes);
  if (result == CUDA_SUCCESS)
    result = cu.memAlloc(&device_out, out_bytes);
  if (result == CUDA_SUCCESS)
    result = cu.memcpyHtoD(device_in, in, in_bytes);
  bfly_status status = BFLY_OK;
  if (result == CUDA_SUCCESS) {
    status = bfly_gpu_kernel_apply(kernel, device_in, d->n, device_out, d->n,
                                   batch, NULL);
    if (status == BFLY_OK)
      result = cu.ctxSynchronize();
    if (status == BFLY_OK && result == CUDA_SUCCESS)
      result = cu.memcpyDtoH(out, device_out, out_bytes);
  }
  if (device_in)
    cu.memFree(device_in);
  if (device_out)
    cu.memFree(device_out);
  CUcontext popped;
  cu.ctxPop(&popped);
  if (status != BFLY_OK)
    return status;
  if (result != CUDA_SUCCESS)
    return bfly_fail(BFLY_ERROR_GPU, "bfly_gpu_kernel_apply_host: %s",
                     error_text(result));
  return BFLY_OK;
}
