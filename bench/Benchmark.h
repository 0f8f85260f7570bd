//===- Benchmark.h - accuracy and speed of a kernel next to baselines -*- C++
//-*-===//
//
// What bfly-bench measures, as a library: a loaded kernel's accuracy against
// a dense reference matrix, and its time per transform next to FFTW
// (FFTW_MEASURE and FFTW_PATIENT plans, same transform and precision) and
// Eigen's dense
// product, all in one process, single-threaded, as medians of repeated
// samples.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_BENCH_BENCHMARK_H
#define BFLY_BENCH_BENCHMARK_H

#include "bench/ButterflyLoop.h"
#include "bfly/runtime.hpp"
#include "compiler/Model/Factorization.h"

#include <Eigen/Dense>

#include <array>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace bfly {

struct Accuracy {
  int64_t vectors = 0;
  double maxAbsError = 0;   ///< largest |y_i - (M x)_i|
  double relativeError = 0; ///< ||Y - M X||_F / ||M X||_F
};

/// `matrix` after the ops a kernel's provenance lists ("adjoint",
/// "transpose", "inverse", comma-separated, in the order applied): the
/// matrix that kernel computes when `matrix` is its model's. False for an
/// op it does not know.
bool applyKernelOps(Eigen::MatrixXcd &matrix, const std::string &ops);

/// The kernel on `vectors` random inputs against `reference` (output_n x
/// n) times them.
Accuracy measureAccuracy(const Kernel &kernel,
                         const Eigen::MatrixXcd &reference, int64_t vectors,
                         unsigned seed);

struct BenchOptions {
  std::vector<int64_t> batches = {1, 64};
  int samples = 15;               ///< the median of this many
  double minSampleSeconds = 2e-3; ///< each sample repeats the call this long
  /// The FFTW planners to time, of "measure" and "patient".
  std::vector<std::string> fftwPlanners = {"measure", "patient"};
  /// Also the plain loops and Eigen's dense product (off for large n: the
  /// dense product is O(n^2)).
  bool slowBaselines = true;
};

struct Timing {
  /// "bfly", "fftw-measure", "fftw-patient", "radix2-loop",
  /// "butterfly-loop", "eigen-dense"
  std::string implementation;
  int64_t batch = 1;
  double secondsPerTransform = 0;
  /// FFTW's plan (fftw_sprint_plan, on one line); empty for the others.
  std::string detail;
};

/// The FFTW planners bench can time ("measure", "patient") and their flags.
const std::vector<std::pair<std::string, unsigned>> &fftwPlanners();

/// The model's factors as the plain data ButterflyLoop takes.
std::vector<LoopFactor> loopFactors(const Factorization &model);

/// ButterflyLoop's dtypes for a model: {chain, input, output}.
std::array<int32_t, 3> loopDtypes(const Factorization &model);

/// Times the kernel and every baseline that computes the same map: FFTW for
/// `target` dft or idft (complex) and dct, dst or hartley (real), a plain
/// in-place radix-2 loop for dft, idft and hadamard, `model` (the kernel's
/// model, when known) as plain scalar butterfly loops, and Eigen's product
/// with `reference` always (the loops and the product built for this CPU).
std::vector<Timing>
timeKernelAndBaselines(const Kernel &kernel, const std::string &target,
                       const Eigen::MatrixXcd &reference,
                       const BenchOptions &options,
                       const Factorization *model = nullptr);

/// A DFT kernel (unitary, complex in and out) on `vectors` random inputs
/// against FFTW's double-precision DFT of them, scaled by 1/sqrt(n) (and
/// by `scale`: sqrt(n) for the textbook sums): the reference for sizes
/// whose dense matrix is too large.
Accuracy measureDftAccuracy(const Kernel &kernel, bool inverse, int64_t vectors,
                            unsigned seed, double scale = 1);

/// A real-input DFT kernel (FFTW's r2c: n reals to n/2 + 1 bins) or, with
/// `inverse`, its c2r (n/2 + 1 bins to n reals, unnormalized) on `vectors`
/// random inputs against FFTW's double-precision r2c or c2r of them. The
/// c2r inputs are any complex numbers: both ignore the imaginary parts of
/// the first and last bins.
Accuracy measureRealDftAccuracy(const Kernel &kernel, bool inverse,
                                int64_t vectors, unsigned seed);

/// The median of `values` (the upper one of an even count).
double median(std::vector<double> values);

/// The median time of one call of `call`.
double medianSecondsPerCall(const std::function<void()> &call,
                            const BenchOptions &options);

/// The same for several calls timed in alternation, a sample of each in
/// turn: a change in the machine's load (a neighbour on the shared cores)
/// moves them all alike, so their ratios hold where back-to-back medians
/// drift by 10-30%.
std::vector<double>
medianSecondsPerCallAlternating(const std::vector<std::function<void()>> &calls,
                                const BenchOptions &options);

/// The median time of one complex<f32> DFT of length n by FFTW
/// (FFTW_MEASURE) planned for `threads` threads (libfftw3f_threads): the
/// baseline for one large vector split across threads.
double fftwThreadedSeconds(int64_t n, int threads, const BenchOptions &options);

/// bfly's seconds per transform at `batch` among `timings` (0 if none).
double bflyTime(const std::vector<Timing> &timings, int64_t batch);

/// A table of the timings with each one's ratio to bfly's at its batch.
void printTimings(std::ostream &os, const std::vector<Timing> &timings);

/// The same as CSV: implementation,batch,seconds_per_transform,ratio_to_bfly.
void writeTimingsCsv(std::ostream &os, const std::vector<Timing> &timings);

/// A bar chart of microseconds per transform (log scale), one group of bars
/// per batch size, drawn by gnuplot into `pngPath`; false with `message`
/// when that fails.
bool plotTimings(const std::vector<Timing> &timings, const std::string &title,
                 const std::string &pngPath, std::string &message);

/// One timing of a sweep over sizes.
struct SizedTiming {
  int64_t n = 0;
  Timing timing;
};

/// A sweep as CSV: n,implementation,batch,seconds_per_transform,ratio_to_bfly.
void writeSizeSweepCsv(std::ostream &os, const std::vector<SizedTiming> &rows);

/// Microseconds per transform against n (both log scale), one line per
/// implementation and batch.
bool plotSizeSweep(const std::vector<SizedTiming> &rows,
                   const std::string &title, const std::string &pngPath,
                   std::string &message);

} // namespace bfly

#endif // BFLY_BENCH_BENCHMARK_H
