/*===- gpu_check.c - check bfly GPU kernels on a GPU and time them --------===*
 *
 * gpu_check CSV KIND GPU.so [REFERENCE.so] ...: for each kernel (KIND dft,
 * hadamard or model; groups of arguments repeat), applies it on GPU 0 to
 * random vectors and compares with a double-precision reference computed
 * here (the DFT by its definition, the Hadamard transform by the fast
 * Walsh-Hadamard recursion) or, for KIND model, by REFERENCE.so, a CPU
 * kernel of the same model in complex<f64>. Then times it with CUDA events
 * for batch 1 .. 16384 next to cuFFT's C2C plan (loaded at run time from
 * $BFLY_CUFFT, libcufft.so.12 or libcufft.so.11) for DFT kernels, and
 * appends one CSV row per (kernel, batch), with the bandwidth the kernel
 * reaches on its data (read once, written once) and on its twiddles (read
 * once per vector: what a generic butterfly's speed is bound by). Plain C:
 * libc, libdl, libm and bfly's runtime. Exits 1 if any kernel is wrong.
 *
 *===----------------------------------------------------------------------===*/
#define _GNU_SOURCE
#include "bfly/gpu.h"
#include "bfly/runtime.h"

#include <complex.h>
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned long long CUdeviceptr;
typedef void *CUevent;
static struct {
  int (*memAlloc)(CUdeviceptr *, size_t);
  int (*memFree)(CUdeviceptr);
  int (*memcpyHtoD)(CUdeviceptr, const void *, size_t);
  int (*eventCreate)(CUevent *, unsigned);
  int (*eventRecord)(CUevent, void *);
  int (*eventSynchronize)(CUevent);
  int (*eventElapsed)(float *, CUevent, CUevent);
  int (*ctxSynchronize)(void);
} cu;
static struct {
  int (*plan1d)(int *, int, int, int);
  int (*execC2C)(int, void *, void *, int);
  int (*destroy)(int);
} fft;

static void *symbol(void *library, const char *name) {
  void *p = dlsym(library, name);
  if (!p) {
    fprintf(stderr, "gpu_check: no %s\n", name);
    exit(2);
  }
  return p;
}

static void load_libraries(void) {
  /* The kernel loader has initialized the driver; this program's own
   * buffers and events live in the same primary context of GPU 0. */
  void *cuda = dlopen("libcuda.so.1", RTLD_NOW);
  if (!cuda) {
    fprintf(stderr, "gpu_check: %s\n", dlerror());
    exit(2);
  }
  int (*deviceGet)(int *, int) =
      (int (*)(int *, int))symbol(cuda, "cuDeviceGet");
  int (*retain)(void **, int) =
      (int (*)(void **, int))symbol(cuda, "cuDevicePrimaryCtxRetain");
  int (*push)(void *) = (int (*)(void *))symbol(cuda, "cuCtxPushCurrent_v2");
  int device;
  void *context;
  if (deviceGet(&device, 0) || retain(&context, device) || push(context)) {
    fprintf(stderr, "gpu_check: cannot use GPU 0\n");
    exit(2);
  }
  *(void **)&cu.memAlloc = symbol(cuda, "cuMemAlloc_v2");
  *(void **)&cu.memFree = symbol(cuda, "cuMemFree_v2");
  *(void **)&cu.memcpyHtoD = symbol(cuda, "cuMemcpyHtoD_v2");
  *(void **)&cu.eventCreate = symbol(cuda, "cuEventCreate");
  *(void **)&cu.eventRecord = symbol(cuda, "cuEventRecord");
  *(void **)&cu.eventSynchronize = symbol(cuda, "cuEventSynchronize");
  *(void **)&cu.eventElapsed = symbol(cuda, "cuEventElapsedTime_v2");
  *(void **)&cu.ctxSynchronize = symbol(cuda, "cuCtxSynchronize");
  const char *names[] = {getenv("BFLY_CUFFT"), "libcufft.so.12",
                         "libcufft.so.11", "libcufft.so"};
  for (int i = 0; i < 4; ++i) {
    void *library = names[i] ? dlopen(names[i], RTLD_NOW) : NULL;
    if (!library)
      continue;
    *(void **)&fft.plan1d = symbol(library, "cufftPlan1d");
    *(void **)&fft.execC2C = symbol(library, "cufftExecC2C");
    *(void **)&fft.destroy = symbol(library, "cufftDestroy");
    fprintf(stderr, "gpu_check: cuFFT from %s\n", names[i]);
    return;
  }
  fprintf(stderr, "gpu_check: no cuFFT found (set BFLY_CUFFT): no baseline\n");
}

static double gaussian(unsigned *state) {
  double u1 = (rand_r(state) + 1.0) / (RAND_MAX + 2.0);
  double u2 = (rand_r(state) + 1.0) / (RAND_MAX + 2.0);
  return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* y = F x, unitary, by the definition. */
static void dft(const double complex *x, double complex *y, int64_t n) {
  double complex *w = malloc((size_t)n * sizeof *w);
  for (int64_t j = 0; j < n; ++j)
    w[j] = cexp(-2 * M_PI * I * (double)j / (double)n);
  for (int64_t k = 0; k < n; ++k) {
    double complex sum = 0;
    for (int64_t j = 0; j < n; ++j)
      sum += x[j] * w[(j * k) % n];
    y[k] = sum / sqrt((double)n);
  }
  free(w);
}

/* y = H x, unitary, by the fast Walsh-Hadamard recursion. */
static void hadamard(const double *x, double *y, int64_t n) {
  memcpy(y, x, (size_t)n * sizeof *y);
  for (int64_t h = 1; h < n; h *= 2)
    for (int64_t i = 0; i < n; i += 2 * h)
      for (int64_t j = i; j < i + h; ++j) {
        double a = y[j], b = y[j + h];
        y[j] = (a + b) / sqrt(2.0);
        y[j + h] = (a - b) / sqrt(2.0);
      }
}

/* Relative error of the GPU kernel on 8 random vectors. */
static double check(const char *kind, bfly_gpu_kernel *kernel,
                    const char *reference_path) {
  const bfly_gpu_kernel_descriptor *d = bfly_gpu_kernel_describe(kernel);
  int64_t n = d->n, batch = 8;
  int complex_io = d->input_dtype == BFLY_DTYPE_COMPLEX_F32;
  size_t count = (size_t)(n * batch * (complex_io ? 2 : 1));
  float *in = malloc(count * sizeof *in), *out = malloc(count * sizeof *out);
  double *in64 = malloc(count * sizeof *in64),
         *want = malloc(count * sizeof *want);
  unsigned seed = 7;
  for (size_t i = 0; i < count; ++i)
    in64[i] = in[i] = (float)gaussian(&seed);
  for (size_t i = 0; i < count; ++i)
    in64[i] = in[i];
  if (bfly_gpu_kernel_apply_host(kernel, in, out, batch) != BFLY_OK) {
    fprintf(stderr, "gpu_check: %s\n", bfly_last_error());
    exit(1);
  }
  for (int64_t b = 0; b < batch; ++b) {
    if (!strcmp(kind, "dft"))
      dft((double complex *)in64 + b * n, (double complex *)want + b * n, n);
    else if (!strcmp(kind, "hadamard"))
      hadamard(in64 + b * n, want + b * n, n);
  }
  if (!strcmp(kind, "model")) {
    bfly_kernel *cpu;
    if (bfly_kernel_load(reference_path, &cpu) != BFLY_OK ||
        bfly_kernel_apply(cpu, in64, want, batch) != BFLY_OK) {
      fprintf(stderr, "gpu_check: %s\n", bfly_last_error());
      exit(1);
    }
    bfly_kernel_free(cpu);
  }
  double error = 0, norm = 0;
  for (size_t i = 0; i < count; ++i) {
    error += (out[i] - want[i]) * (out[i] - want[i]);
    norm += want[i] * want[i];
  }
  free(in);
  free(out);
  free(in64);
  free(want);
  return sqrt(error / norm);
}

/* Median of 21 timed runs of `run` (milliseconds). */
static int compare_floats(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

typedef struct {
  bfly_gpu_kernel *kernel;
  int plan;
  CUdeviceptr in, out;
  int64_t n, batch;
} timing;

static void run_bfly(timing *t) {
  bfly_gpu_kernel_apply(t->kernel, t->in, t->n, t->out, t->n, t->batch, NULL);
}
static void run_cufft(timing *t) {
  fft.execC2C(t->plan, (void *)(uintptr_t)t->in, (void *)(uintptr_t)t->out, -1);
}

static double median_us(void (*run)(timing *), timing *t) {
  enum { SAMPLES = 21 };
  float ms[SAMPLES];
  CUevent start, stop;
  cu.eventCreate(&start, 0);
  cu.eventCreate(&stop, 0);
  run(t); /* warm up */
  cu.ctxSynchronize();
  for (int s = 0; s < SAMPLES; ++s) {
    cu.eventRecord(start, NULL);
    for (int r = 0; r < 10; ++r)
      run(t);
    cu.eventRecord(stop, NULL);
    cu.eventSynchronize(stop);
    cu.eventElapsed(&ms[s], start, stop);
  }
  qsort(ms, SAMPLES, sizeof ms[0], compare_floats);
  return ms[SAMPLES / 2] * 1000.0 / 10;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s CSV KIND GPU.so [REFERENCE.so] ...\n", argv[0]);
    return 2;
  }
  FILE *csv = fopen(argv[1], "a");
  if (!csv) {
    perror(argv[1]);
    return 2;
  }
  int failures = 0, loaded = 0;
  for (int a = 2; a + 1 < argc;) {
    const char *kind = argv[a], *path = argv[a + 1];
    const char *reference = !strcmp(kind, "model") ? argv[a + 2] : NULL;
    a += reference ? 3 : 2;
    bfly_gpu_kernel *kernel;
    if (bfly_gpu_kernel_load(path, 0, &kernel) != BFLY_OK) {
      fprintf(stderr, "gpu_check: %s\n", bfly_last_error());
      return 1;
    }
    if (!loaded++)
      load_libraries();
    const bfly_gpu_kernel_descriptor *d = bfly_gpu_kernel_describe(kernel);
    double error = check(kind, kernel, reference);
    double tolerance = 1e-5;
    int ok = error <= tolerance;
    failures += !ok;
    printf("%-9s n=%-5lld relative error %.2e %s\n", kind, (long long)d->n,
           error, ok ? "ok" : "WRONG");
    size_t element = bfly_dtype_size(d->input_dtype);
    for (int64_t batch = 1; batch <= 16384; batch *= 4) {
      timing t = {kernel, 0, 0, 0, d->n, batch};
      size_t bytes = (size_t)(d->n * batch) * element;
      if (cu.memAlloc(&t.in, bytes) || cu.memAlloc(&t.out, bytes))
        break;
      void *zeros = calloc(1, bytes);
      cu.memcpyHtoD(t.in, zeros, bytes);
      free(zeros);
      double ours = median_us(run_bfly, &t), theirs = NAN;
      if (fft.plan1d && d->input_dtype == BFLY_DTYPE_COMPLEX_F32 &&
          !strcmp(kind, "dft") &&
          fft.plan1d(&t.plan, (int)d->n, 0x29 /* CUFFT_C2C */, (int)batch) ==
              0) {
        theirs = median_us(run_cufft, &t);
        fft.destroy(t.plan);
      }
      /* Bytes per microsecond are 1e-3 GB/s. */
      size_t out_element = bfly_dtype_size(d->output_dtype);
      size_t scalar = d->input_dtype == BFLY_DTYPE_F64 ||
                              d->input_dtype == BFLY_DTYPE_COMPLEX_F64
                          ? 8
                          : 4;
      double data_gbps =
          (double)(d->n * batch) * (double)(element + out_element) / ours / 1e3;
      double twiddle_gbps =
          (double)(d->nonzero_twiddles * batch) * (double)scalar / ours / 1e3;
      fprintf(csv, "%s,%lld,%lld,%.3f,%.3f,%.3f,%.2e,%.1f,%.1f\n", kind,
              (long long)d->n, (long long)batch, ours, theirs, ours / theirs,
              error, data_gbps, twiddle_gbps);
      printf("  batch %-6lld bfly %9.2f us   cufft %9.2f us   ratio %.2fx"
             "   data %7.1f GB/s   twiddles %8.1f GB/s\n",
             (long long)batch, ours, theirs, ours / theirs, data_gbps,
             twiddle_gbps);
      cu.memFree(t.in);
      cu.memFree(t.out);
    }
    bfly_gpu_kernel_free(kernel);
  }
  fclose(csv);
  return failures ? 1 : 0;
}
