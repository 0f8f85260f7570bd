/*===- plan.c - batches in any layout, split across threads ---------------===*
 *
 * A plan runs a kernel on a batch described by a bfly_layout. Contiguous
 * vectors go to the kernel as they are; vectors with element strides are
 * gathered into a per-thread scratch buffer a few at a time and scattered
 * back. With several threads the batch is cut into runs of vectors that
 * the threads take as they come. A batch smaller than the thread count, of
 * a kernel that can split a vector (kernel_abi.h's phases), instead has
 * the threads take the parts of each phase as they come, a thread waiting
 * only for the parts of a phase others still run before the next: a late
 * thread finds less to do, not a barrier to hold up. The workers are the
 * plan's own and wait on a condition variable between calls, so a call
 * costs no thread creation.
 *
 *===----------------------------------------------------------------------===*/
#define _GNU_SOURCE
#include "internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Vectors gathered per kernel call when elements are strided. */
enum { GATHER_GROUP = 8, MAX_THREADS = 1024 };

/* Below this much arithmetic per call (flops, tens of microseconds) waking the
 * workers costs more than it saves: the caller does it all. */
static const int64_t MIN_SPLIT_FLOPS = 1 << 24;

/* Below this much arithmetic per vector, splitting one across threads costs
 * more in waits (one per phase) than it saves. */
static const int64_t MIN_PHASE_SPLIT_FLOPS = 1 << 23;

/* Parts per thread of a phase: enough to even out a late start. */
enum { PARTS_PER_THREAD = 4 };

struct worker {
  struct bfly_plan *plan;
  int index;
};

struct bfly_plan {
  const bfly_kernel *kernel;
  int threads;
  char **scratch; /* per thread: GATHER_GROUP input and output vectors */
  pthread_t *workers;
  struct worker *worker_args;
  int started;          /* workers running */
  pthread_mutex_t turn; /* one execute at a time */
  pthread_mutex_t lock; /* guards what follows */
  pthread_cond_t wake, finished;
  unsigned long generation; /* also read without the lock (atomically) */
  int stopping;
  /* The current job (atomic): bit 0 is set while workers may still join
   * it, the rest counts twice the workers in it. The caller closes it when
   * its own share is done and waits only for the workers inside. */
  int64_t job;
  int64_t next_chunk; /* the current job's next chunk (atomic) */
  int64_t chunk;      /* its vectors per chunk */
  const char *in;
  char *out;
  bfly_layout layout;
  /* Splitting vectors: step s is phase s % phases of vector s / phases;
   * step_next[s] is its next part to take, step_done[s] its parts
   * finished (both atomic). Allocated on first use, for threads - 1
   * vectors. */
  int splitting;
  int64_t steps, parts;
  int64_t *step_next, *step_done;
  void *phase_scratch;
};

bfly_layout bfly_kernel_layout(const bfly_kernel *kernel, int64_t batch) {
  const bfly_kernel_descriptor *d = kernel ? kernel->descriptor : NULL;
  bfly_layout layout = {batch, d ? d->n : 0, 1, d ? d->output_n : 0, 1};
  return layout;
}

bfly_layout bfly_layout_contiguous(int64_t n, int64_t batch) {
  bfly_layout layout = {batch, n, 1, n, 1};
  return layout;
}

/* Vectors b0 <= b < b1 of the current call, on thread `index`. */
static void run_vectors(const bfly_plan *plan, int index, int64_t b0,
                        int64_t b1) {
  const bfly_kernel_descriptor *d = plan->kernel->descriptor;
  const bfly_layout *l = &plan->layout;
  size_t isize = bfly_dtype_size(d->input_dtype);
  size_t osize = bfly_dtype_size(d->output_dtype);
  if (b0 >= b1)
    return;
  if (l->in_stride == 1 && l->out_stride == 1) {
    bfly_apply_vectors(d, plan->in + b0 * l->in_dist * isize,
                       plan->out + b0 * l->out_dist * osize, b1 - b0,
                       l->in_dist, l->out_dist);
    return;
  }
  int64_t n = d->n, m = d->output_n;
  char *gathered = plan->scratch[index];
  char *computed = gathered + GATHER_GROUP * n * isize;
  for (int64_t b = b0; b < b1; b += GATHER_GROUP) {
    int64_t count = b1 - b < GATHER_GROUP ? b1 - b : GATHER_GROUP;
    for (int64_t v = 0; v < count; ++v)
      for (int64_t i = 0; i < n; ++i)
        memcpy(gathered + (v * n + i) * isize,
               plan->in + ((b + v) * l->in_dist + i * l->in_stride) * isize,
               isize);
    bfly_apply_vectors(d, gathered, computed, count, n, m);
    for (int64_t v = 0; v < count; ++v)
      for (int64_t i = 0; i < m; ++i)
        memcpy(plan->out + ((b + v) * l->out_dist + i * l->out_stride) * osize,
               computed + (v * m + i) * osize, osize);
  }
}

/* One round of a spin-wait: tells the CPU, which can then spare the other
 * hyperthread. */
static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/* Spins until *counter reaches `target` (acquiring what the threads that
 * counted wrote), yielding the CPU when that takes long. */
static void wait_for(const int64_t *counter, int64_t target) {
  for (unsigned round = 0; __atomic_load_n(counter, __ATOMIC_ACQUIRE) < target;
       ++round) {
    if (round < (1u << 14)) {
      relax();
    } else {
      sched_yield();
    }
  }
}

/* The parts of every step of the current call's vectors, taken as they
 * come; a step starts once every part of the one before has finished. */
static void run_split_share(bfly_plan *plan) {
  const bfly_kernel_descriptor *d = plan->kernel->descriptor;
  size_t isize = bfly_dtype_size(d->input_dtype);
  size_t osize = bfly_dtype_size(d->output_dtype);
  for (int64_t s = 0; s < plan->steps; ++s) {
    int64_t vector = s / d->phases, phase = s % d->phases;
    const char *in = plan->in + vector * plan->layout.in_dist * isize;
    char *out = plan->out + vector * plan->layout.out_dist * osize;
    if (s > 0)
      wait_for(&plan->step_done[s - 1], plan->parts);
    for (;;) {
      int64_t part =
          __atomic_fetch_add(&plan->step_next[s], 1, __ATOMIC_RELAXED);
      if (part >= plan->parts)
        break;
      d->apply_phase(in, out, plan->phase_scratch, phase, part, plan->parts);
      __atomic_fetch_add(&plan->step_done[s], 1, __ATOMIC_RELEASE);
    }
  }
}

/* Chunks of the current call's batch until none is left (or the parts of
 * its vectors' phases). Threads take chunks as they come, so one woken
 * late takes fewer: no thread waits for another's fixed share. Each vector
 * is computed alone, so results do not depend on who takes what. */
static void run_share(bfly_plan *plan, int index) {
  if (plan->splitting) {
    run_split_share(plan);
    return;
  }
  int64_t batch = plan->layout.batch;
  for (;;) {
    int64_t c = __atomic_fetch_add(&plan->next_chunk, 1, __ATOMIC_RELAXED);
    int64_t b0 = c * plan->chunk;
    if (b0 >= batch)
      return;
    int64_t b1 = b0 + plan->chunk < batch ? b0 + plan->chunk : batch;
    run_vectors(plan, index, b0, b1);
  }
}

/* How long an idle worker watches for the next call before sleeping:
 * calls that come back to back then start without a wake-up. */
enum { SPIN_ROUNDS = 1 << 11 };

static void spin_for_work(bfly_plan *plan, unsigned long seen) {
  for (int round = 0; round < SPIN_ROUNDS; ++round) {
    if (__atomic_load_n(&plan->generation, __ATOMIC_ACQUIRE) != seen ||
        __atomic_load_n(&plan->stopping, __ATOMIC_ACQUIRE))
      return;
    relax();
  }
}

/* Enters the current job if it is still open: a worker woken after the
 * caller finished alone stays out of it, so it holds nobody up. */
static int join_job(bfly_plan *plan) {
  int64_t job = __atomic_load_n(&plan->job, __ATOMIC_ACQUIRE);
  while (job & 1)
    if (__atomic_compare_exchange_n(&plan->job, &job, job + 2, 0,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
      return 1;
  return 0;
}

static void *worker_main(void *arg) {
  struct worker *self = arg;
  bfly_plan *plan = self->plan;
  unsigned long seen = 0;
  pthread_mutex_lock(&plan->lock);
  for (;;) {
    if (!plan->stopping && plan->generation == seen) {
      pthread_mutex_unlock(&plan->lock);
      spin_for_work(plan, seen);
      pthread_mutex_lock(&plan->lock);
    }
    while (!plan->stopping && plan->generation == seen)
      pthread_cond_wait(&plan->wake, &plan->lock);
    if (plan->stopping)
      break;
    seen = plan->generation;
    pthread_mutex_unlock(&plan->lock);
    if (join_job(plan)) {
      run_share(plan, self->index);
      int last = __atomic_fetch_sub(&plan->job, 2, __ATOMIC_ACQ_REL) == 2;
      pthread_mutex_lock(&plan->lock);
      if (last) /* the job is closed and this was the last one in it */
        pthread_cond_signal(&plan->finished);
    } else {
      pthread_mutex_lock(&plan->lock);
    }
  }
  pthread_mutex_unlock(&plan->lock);
  return NULL;
}

static void stop_workers(bfly_plan *plan) {
  pthread_mutex_lock(&plan->lock);
  __atomic_store_n(&plan->stopping, 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&plan->wake);
  pthread_mutex_unlock(&plan->lock);
  for (int i = 0; i < plan->started; ++i)
    pthread_join(plan->workers[i], NULL);
  plan->started = 0;
}

void bfly_plan_free(bfly_plan *plan) {
  if (!plan)
    return;
  stop_workers(plan);
  if (plan->scratch)
    for (int i = 0; i < plan->threads; ++i)
      free(plan->scratch[i]);
  free(plan->scratch);
  free(plan->phase_scratch);
  free(plan->step_next);
  free(plan->step_done);
  free(plan->workers);
  free(plan->worker_args);
  pthread_cond_destroy(&plan->finished);
  pthread_cond_destroy(&plan->wake);
  pthread_mutex_destroy(&plan->lock);
  pthread_mutex_destroy(&plan->turn);
  free(plan);
}

bfly_status bfly_plan_create(const bfly_kernel *kernel, int threads,
                             bfly_plan **plan) {
  if (!kernel || !plan)
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "bfly_plan_create: null kernel or plan");
  *plan = NULL;
  if (threads < 0 || threads > MAX_THREADS)
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "bfly_plan_create: threads must be 0 (one per CPU) to "
                     "%d, got %d",
                     MAX_THREADS, threads);
  if (threads == 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    threads = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (int)cpus;
  }
  bfly_plan *result = calloc(1, sizeof *result);
  if (!result)
    return bfly_fail(BFLY_ERROR_RESOURCES, "out of memory creating a plan");
  result->kernel = kernel;
  result->threads = threads;
  pthread_mutex_init(&result->turn, NULL);
  pthread_mutex_init(&result->lock, NULL);
  pthread_cond_init(&result->wake, NULL);
  pthread_cond_init(&result->finished, NULL);
  const bfly_kernel_descriptor *d = kernel->descriptor;
  /* The loader keeps n within BFLY_MAX_N; checked anyway, a wrapped size
   * would be a buffer too small for what run_vectors copies into it. */
  size_t inBytes, outBytes, vectorBytes, groupBytes;
  if (__builtin_mul_overflow((size_t)d->n, bfly_dtype_size(d->input_dtype),
                             &inBytes) ||
      __builtin_mul_overflow((size_t)d->output_n,
                             bfly_dtype_size(d->output_dtype), &outBytes) ||
      __builtin_add_overflow(inBytes, outBytes, &vectorBytes) ||
      __builtin_mul_overflow(vectorBytes, (size_t)GATHER_GROUP, &groupBytes)) {
    bfly_plan_free(result);
    return bfly_fail(BFLY_ERROR_RESOURCES,
                     "bfly_plan_create: scratch for n = %lld overflows",
                     (long long)d->n);
  }
  result->scratch = calloc((size_t)threads, sizeof(char *));
  result->workers = calloc((size_t)threads, sizeof(pthread_t));
  result->worker_args = calloc((size_t)threads, sizeof(struct worker));
  int ok = result->scratch && result->workers && result->worker_args;
  for (int i = 0; ok && i < threads; ++i)
    ok = (result->scratch[i] = malloc(groupBytes)) != NULL;
  if (!ok) {
    bfly_plan_free(result);
    return bfly_fail(BFLY_ERROR_RESOURCES, "out of memory creating a plan");
  }
  for (int i = 1; i < threads; ++i) {
    result->worker_args[i - 1] = (struct worker){result, i};
    if (pthread_create(&result->workers[i - 1], NULL, worker_main,
                       &result->worker_args[i - 1]) != 0) {
      bfly_plan_free(result);
      return bfly_fail(BFLY_ERROR_RESOURCES,
                       "cannot start %d threads for a plan", threads);
    }
    ++result->started;
  }
  *plan = result;
  bfly_clear_error();
  return BFLY_OK;
}

int bfly_plan_threads(const bfly_plan *plan) {
  return plan ? plan->threads : 0;
}

/* Whether the call has enough work to wake the workers for. */
static int worth_splitting(const bfly_plan *plan, int64_t batch) {
  int64_t flops;
  if (plan->threads == 1 || batch == 1)
    return 0;
  return __builtin_mul_overflow(batch, plan->kernel->descriptor->flops,
                                &flops) ||
         flops >= MIN_SPLIT_FLOPS;
}

/* Whether the threads should rather share each vector: fewer vectors than
 * threads, each with enough work, contiguous. */
/* Whether the threads should rather share each vector: fewer vectors than
 * threads, each with enough work, contiguous. */
static int worth_splitting_vectors(const bfly_plan *plan,
                                   const bfly_layout *l) {
  const bfly_kernel_descriptor *d = plan->kernel->descriptor;
  return plan->threads > 1 && l->batch < plan->threads && d->phases > 0 &&
         d->flops >= MIN_PHASE_SPLIT_FLOPS && l->in_stride == 1 &&
         l->out_stride == 1;
}

/* The scratch the phases of a split vector share and the steps' counters,
 * allocated on first use (under plan->turn); 0 when out of memory. */
static int have_split_state(bfly_plan *plan) {
  const bfly_kernel_descriptor *d = plan->kernel->descriptor;
  if (!plan->phase_scratch) {
    size_t bytes = (size_t)d->phase_scratch_bytes;
    plan->phase_scratch = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
  }
  size_t steps = (size_t)(plan->threads - 1) * (size_t)d->phases;
  if (!plan->step_next)
    plan->step_next = malloc(steps * sizeof(int64_t));
  if (!plan->step_done)
    plan->step_done = malloc(steps * sizeof(int64_t));
  return plan->phase_scratch && plan->step_next && plan->step_done;
}

/* Runs the call set up in `plan` on every thread and waits for the
 * workers to finish with it. */
static void run_job(bfly_plan *plan) {
  __atomic_store_n(&plan->job, 1, __ATOMIC_RELEASE); /* open, nobody in */
  pthread_mutex_lock(&plan->lock);
  __atomic_store_n(&plan->generation, plan->generation + 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&plan->wake);
  pthread_mutex_unlock(&plan->lock);
  run_share(plan, 0);
  /* Close the job; the workers inside finish what they took. */
  __atomic_fetch_and(&plan->job, ~(int64_t)1, __ATOMIC_ACQ_REL);
  for (int round = 0; round < SPIN_ROUNDS; ++round) {
    if (__atomic_load_n(&plan->job, __ATOMIC_ACQUIRE) == 0)
      return;
    relax();
  }
  pthread_mutex_lock(&plan->lock);
  while (__atomic_load_n(&plan->job, __ATOMIC_ACQUIRE) != 0)
    pthread_cond_wait(&plan->finished, &plan->lock);
  pthread_mutex_unlock(&plan->lock);
}

/* The call's vectors one after another, each phase's parts shared. */
static void run_split_vectors(bfly_plan *plan) {
  const bfly_kernel_descriptor *d = plan->kernel->descriptor;
  plan->splitting = 1;
  plan->parts = PARTS_PER_THREAD * (int64_t)plan->threads;
  plan->steps = plan->layout.batch * d->phases;
  memset(plan->step_next, 0, (size_t)plan->steps * sizeof(int64_t));
  memset(plan->step_done, 0, (size_t)plan->steps * sizeof(int64_t));
  run_job(plan); /* every part taken has finished when it returns */
  plan->splitting = 0;
}

bfly_status bfly_plan_execute(bfly_plan *plan, const void *in, void *out,
                              const bfly_layout *layout) {
  if (!plan || !in || !out || !layout)
    return bfly_fail(BFLY_ERROR_INVALID_ARGUMENT,
                     "bfly_plan_execute: null plan, buffer or layout");
  bfly_status status = bfly_check_layout(plan->kernel->descriptor, in, out,
                                         layout, "bfly_plan_execute");
  if (status != BFLY_OK)
    return status;
  const bfly_kernel_descriptor *d = plan->kernel->descriptor;
  int split = worth_splitting(plan, layout->batch);
  int split_vectors = worth_splitting_vectors(plan, layout);
  if (layout->in_stride == 1 && layout->out_stride == 1 && !split &&
      !split_vectors) {
    /* Contiguous on the caller's thread: no shared state, no lock. */
    bfly_apply_vectors(d, in, out, layout->batch, layout->in_dist,
                       layout->out_dist);
    return BFLY_OK;
  }
  pthread_mutex_lock(&plan->turn);
  plan->in = in;
  plan->out = out;
  plan->layout = *layout;
  if (split_vectors && have_split_state(plan)) {
    run_split_vectors(plan);
  } else if (!split) { /* also when out of memory for splitting vectors */
    run_vectors(plan, 0, 0, layout->batch);
  } else {
    /* About four chunks per thread: few enough to cost nothing, enough to
     * even out a late start. */
    int64_t chunks = 4 * (int64_t)plan->threads;
    plan->chunk = (layout->batch + chunks - 1) / chunks;
    plan->next_chunk = 0;
    run_job(plan);
  }
  pthread_mutex_unlock(&plan->turn);
  return BFLY_OK;
}
