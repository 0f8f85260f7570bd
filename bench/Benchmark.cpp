//===- Benchmark.cpp - accuracy and speed of a kernel next to baselines ---===//
#include "bench/Benchmark.h"

#include "bench/DenseProduct.h"
#include "bench/Gnuplot.h"
#include "bench/KernelIO.h"
#include "bench/Radix2Loop.h"

#include <fftw3.h>

#include <optional>
#include <sstream>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iomanip>
#include <memory>
#include <ostream>
#include <variant>

namespace bfly {

bool applyKernelOps(Eigen::MatrixXcd &matrix, const std::string &ops) {
  std::stringstream list(ops);
  std::string op;
  while (std::getline(list, op, ',')) {
    if (op == "adjoint")
      matrix = matrix.adjoint().eval();
    else if (op == "transpose")
      matrix = matrix.transpose().eval();
    else if (op == "inverse")
      matrix = matrix.inverse().eval();
    else if (!op.empty() && op != "forward")
      return false;
  }
  return true;
}

Accuracy measureAccuracy(const Kernel &kernel,
                         const Eigen::MatrixXcd &reference, int64_t vectors,
                         unsigned seed) {
  const bfly_kernel_descriptor &d = kernel.descriptor();
  Eigen::MatrixXcd x =
      randomColumns(d.n, vectors, isComplexDtype(d.input_dtype), seed);
  std::vector<char> in = packColumns(x, d.input_dtype);
  std::vector<char> out(d.output_n * vectors * bfly_dtype_size(d.output_dtype));
  kernel.apply(in.data(), out.data(), vectors);
  Eigen::MatrixXcd expected = reference * x;
  if (!isComplexDtype(d.output_dtype))
    expected = expected.real().cast<std::complex<double>>();
  Eigen::MatrixXcd error =
      unpackColumns(out, d.output_dtype, d.output_n, vectors) - expected;
  return {vectors, error.cwiseAbs().maxCoeff(), error.norm() / expected.norm()};
}

Accuracy measureDftAccuracy(const Kernel &kernel, bool inverse, int64_t vectors,
                            unsigned seed, double scale) {
  const bfly_kernel_descriptor &d = kernel.descriptor();
  Eigen::MatrixXcd x = randomColumns(d.n, vectors, true, seed);
  std::vector<char> in = packColumns(x, d.input_dtype);
  std::vector<char> out(d.n * vectors * bfly_dtype_size(d.output_dtype));
  kernel.apply(in.data(), out.data(), vectors);
  Eigen::MatrixXcd expected(d.n, vectors);
  int n = int(d.n);
  fftw_plan plan = fftw_plan_many_dft(
      1, &n, int(vectors), reinterpret_cast<fftw_complex *>(x.data()), nullptr,
      1, n, reinterpret_cast<fftw_complex *>(expected.data()), nullptr, 1, n,
      inverse ? FFTW_BACKWARD : FFTW_FORWARD, FFTW_ESTIMATE);
  fftw_execute(plan);
  fftw_destroy_plan(plan);
  expected *= scale / std::sqrt(double(d.n));
  Eigen::MatrixXcd error =
      unpackColumns(out, d.output_dtype, d.n, vectors) - expected;
  return {vectors, error.cwiseAbs().maxCoeff(), error.norm() / expected.norm()};
}

Accuracy measureRealDftAccuracy(const Kernel &kernel, bool inverse,
                                int64_t vectors, unsigned seed) {
  const bfly_kernel_descriptor &d = kernel.descriptor();
  int n = int(inverse ? d.output_n : d.n), bins = n / 2 + 1;
  Eigen::MatrixXcd x = randomColumns(d.n, vectors, !inverse, seed);
  std::vector<char> in = packColumns(x, d.input_dtype);
  std::vector<char> out(d.output_n * vectors * bfly_dtype_size(d.output_dtype));
  kernel.apply(in.data(), out.data(), vectors);
  Eigen::MatrixXcd expected(d.output_n, vectors);
  if (inverse) {
    Eigen::MatrixXd reals(n, vectors);
    fftw_plan plan = fftw_plan_many_dft_c2r(
        1, &n, int(vectors), reinterpret_cast<fftw_complex *>(x.data()),
        nullptr, 1, bins, reals.data(), nullptr, 1, n, FFTW_ESTIMATE);
    fftw_execute(plan); // may overwrite x: the kernel read its own copy
    fftw_destroy_plan(plan);
    expected = reals.cast<std::complex<double>>();
  } else {
    Eigen::MatrixXd reals = x.real();
    fftw_plan plan = fftw_plan_many_dft_r2c(
        1, &n, int(vectors), reals.data(), nullptr, 1, n,
        reinterpret_cast<fftw_complex *>(expected.data()), nullptr, 1, bins,
        FFTW_ESTIMATE);
    fftw_execute(plan);
    fftw_destroy_plan(plan);
  }
  Eigen::MatrixXcd error =
      unpackColumns(out, d.output_dtype, d.output_n, vectors) - expected;
  return {vectors, error.cwiseAbs().maxCoeff(), error.norm() / expected.norm()};
}

double medianSecondsPerCall(const std::function<void()> &call,
                            const BenchOptions &options) {
  return medianSecondsPerCallAlternating({call}, options).front();
}

std::vector<double>
medianSecondsPerCallAlternating(const std::vector<std::function<void()>> &calls,
                                const BenchOptions &options) {
  using Clock = std::chrono::steady_clock;
  auto timeCalls = [](const std::function<void()> &call, int64_t count) {
    auto start = Clock::now();
    for (int64_t i = 0; i < count; ++i)
      call();
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  // Each call repeats often enough for a sample to last minSampleSeconds.
  std::vector<int64_t> counts;
  for (const std::function<void()> &call : calls) {
    call(); // warm caches and lazy bindings
    int64_t count = 1;
    while (timeCalls(call, count) < options.minSampleSeconds)
      count *= 2;
    counts.push_back(count);
  }
  std::vector<std::vector<double>> samples(calls.size());
  for (int i = 0; i < options.samples; ++i)
    for (size_t c = 0; c < calls.size(); ++c)
      samples[c].push_back(timeCalls(calls[c], counts[c]) / double(counts[c]));
  std::vector<double> medians;
  for (std::vector<double> &values : samples)
    medians.push_back(median(std::move(values)));
  return medians;
}

double median(std::vector<double> values) {
  std::nth_element(values.begin(), values.begin() + values.size() / 2,
                   values.end());
  return values[values.size() / 2];
}

double fftwThreadedSeconds(int64_t n, int threads,
                           const BenchOptions &options) {
  // The threaded planner is process-wide: set up once, then each plan
  // names its thread count.
  static const bool ready = fftwf_init_threads() != 0;
  if (!ready)
    return std::nan("");
  fftwf_plan_with_nthreads(threads);
  fftwf_complex *in = fftwf_alloc_complex(size_t(n));
  fftwf_complex *out = fftwf_alloc_complex(size_t(n));
  fftwf_plan plan =
      fftwf_plan_dft_1d(int(n), in, out, FFTW_FORWARD, FFTW_MEASURE);
  std::fill_n(&in[0][0], 2 * n, 0.5f);
  double seconds = medianSecondsPerCall([&] { fftwf_execute(plan); }, options);
  fftwf_destroy_plan(plan);
  fftwf_free(in);
  fftwf_free(out);
  fftwf_plan_with_nthreads(1);
  return seconds;
}

namespace {

/// FFTW's API in one precision: the fftwf_ functions or the fftw_ ones.
template <typename Real> struct FftwApi;
template <> struct FftwApi<float> {
  using Complex = fftwf_complex;
  using Plan = fftwf_plan;
  static constexpr auto allocate = fftwf_alloc_complex;
  static constexpr auto planMany = fftwf_plan_many_dft;
  static constexpr auto planManyR2r = fftwf_plan_many_r2r;
  static constexpr auto planManyR2c = fftwf_plan_many_dft_r2c;
  static constexpr auto planManyC2r = fftwf_plan_many_dft_c2r;
  static constexpr auto allocateReal = fftwf_alloc_real;
  static constexpr auto execute = fftwf_execute;
  static constexpr auto destroy = fftwf_destroy_plan;
  static constexpr auto release = fftwf_free;
  static constexpr auto describe = fftwf_sprint_plan;
};
template <> struct FftwApi<double> {
  using Complex = fftw_complex;
  using Plan = fftw_plan;
  static constexpr auto allocate = fftw_alloc_complex;
  static constexpr auto planMany = fftw_plan_many_dft;
  static constexpr auto planManyR2r = fftw_plan_many_r2r;
  static constexpr auto planManyR2c = fftw_plan_many_dft_r2c;
  static constexpr auto planManyC2r = fftw_plan_many_dft_c2r;
  static constexpr auto allocateReal = fftw_alloc_real;
  static constexpr auto execute = fftw_execute;
  static constexpr auto destroy = fftw_destroy_plan;
  static constexpr auto release = fftw_free;
  static constexpr auto describe = fftw_sprint_plan;
};

/// FFTW's plan in one line: its solver tree with the spaces squeezed.
template <typename Real>
std::string describePlan(typename FftwApi<Real>::Plan plan) {
  char *text = FftwApi<Real>::describe(plan);
  std::string line;
  for (const char *c = text; *c; ++c)
    if (!std::isspace(static_cast<unsigned char>(*c)) ||
        (!line.empty() && line.back() != ' '))
      line += std::isspace(static_cast<unsigned char>(*c)) ? ' ' : *c;
  free(text);
  return line;
}

/// FFTW's batched complex DFT, planned with `flags` (FFTW_MEASURE or
/// FFTW_PATIENT).
template <typename Real> class FftwBatch {
  using Api = FftwApi<Real>;

public:
  FftwBatch(int n, int batch, int sign, unsigned flags)
      : size_(size_t(n) * batch) {
    in_ = Api::allocate(size_);
    out_ = Api::allocate(size_);
    plan_ = Api::planMany(1, &n, batch, in_, nullptr, 1, n, out_, nullptr, 1, n,
                          sign, flags);
    std::fill_n(&in_[0][0], 2 * size_, Real(0.5));
  }
  ~FftwBatch() {
    Api::destroy(plan_);
    Api::release(in_);
    Api::release(out_);
  }
  FftwBatch(const FftwBatch &) = delete;
  FftwBatch &operator=(const FftwBatch &) = delete;
  void run() { Api::execute(plan_); }
  std::string plan() const { return describePlan<Real>(plan_); }

private:
  size_t size_;
  typename Api::Complex *in_, *out_;
  typename Api::Plan plan_;
};

/// FFTW's batched real-to-real transform of `kind` (REDFT10 is the DCT-II,
/// RODFT10 the DST-II, DHT the Hartley transform), planned with `flags`.
template <typename Real> class FftwR2rBatch {
  using Api = FftwApi<Real>;

public:
  FftwR2rBatch(int n, int batch, fftw_r2r_kind kind, unsigned flags)
      : size_(size_t(n) * batch) {
    in_ = Api::allocateReal(size_);
    out_ = Api::allocateReal(size_);
    plan_ = Api::planManyR2r(1, &n, batch, in_, nullptr, 1, n, out_, nullptr, 1,
                             n, &kind, flags);
    std::fill_n(in_, size_, Real(0.5));
  }
  ~FftwR2rBatch() {
    Api::destroy(plan_);
    Api::release(in_);
    Api::release(out_);
  }
  FftwR2rBatch(const FftwR2rBatch &) = delete;
  FftwR2rBatch &operator=(const FftwR2rBatch &) = delete;
  void run() { Api::execute(plan_); }
  std::string plan() const { return describePlan<Real>(plan_); }

private:
  size_t size_;
  Real *in_, *out_;
  typename Api::Plan plan_;
};

/// FFTW's batched real-input DFT of n reals (r2c, n/2 + 1 bins out) or
/// its inverse (c2r), planned with `flags`.
template <typename Real> class FftwRealDftBatch {
  using Api = FftwApi<Real>;

public:
  FftwRealDftBatch(int n, int batch, bool inverse, unsigned flags) {
    size_t bins = size_t(n / 2 + 1) * batch;
    reals_ = Api::allocateReal(size_t(n) * batch);
    bins_ = Api::allocate(bins);
    // c2r overwrites its input: each run starts from the same bins anyway,
    // as the timing only needs finite numbers.
    plan_ = inverse ? Api::planManyC2r(1, &n, batch, bins_, nullptr, 1,
                                       n / 2 + 1, reals_, nullptr, 1, n, flags)
                    : Api::planManyR2c(1, &n, batch, reals_, nullptr, 1, n,
                                       bins_, nullptr, 1, n / 2 + 1, flags);
    std::fill_n(reals_, size_t(n) * batch, Real(0.5));
    std::fill_n(&bins_[0][0], 2 * bins, Real(0.5));
  }
  ~FftwRealDftBatch() {
    Api::destroy(plan_);
    Api::release(reals_);
    Api::release(bins_);
  }
  FftwRealDftBatch(const FftwRealDftBatch &) = delete;
  FftwRealDftBatch &operator=(const FftwRealDftBatch &) = delete;
  void run() { Api::execute(plan_); }
  std::string plan() const { return describePlan<Real>(plan_); }

private:
  Real *reals_;
  typename Api::Complex *bins_;
  typename Api::Plan plan_;
};

/// Planned FFTW batches to time next to bfly: each one's name, run and
/// plan, the batch objects kept alive by the runs.
struct FftwContenders {
  std::vector<std::string> names, plans;
  std::vector<std::function<void()>> runs;

  template <typename Batch, typename... Args>
  void add(const std::string &planner, Args... args) {
    auto fftw = std::make_shared<Batch>(args...);
    names.push_back("fftw-" + planner);
    plans.push_back(fftw->plan());
    runs.push_back([fftw] { fftw->run(); });
  }
};

} // namespace

/// The FFTW planners bfly-bench knows: name and flags.
const std::vector<std::pair<std::string, unsigned>> &fftwPlanners() {
  static const std::vector<std::pair<std::string, unsigned>> planners = {
      {"measure", FFTW_MEASURE}, {"patient", FFTW_PATIENT}};
  return planners;
}

std::vector<LoopFactor> loopFactors(const Factorization &model) {
  auto reIm = [](const std::vector<Complex> &values) {
    std::vector<double> flat;
    for (Complex v : values) {
      flat.push_back(v.real());
      flat.push_back(v.imag());
    }
    return flat;
  };
  std::vector<LoopFactor> factors;
  for (const Factor &factor : model.factors) {
    LoopFactor f;
    if (const auto *stage = std::get_if<Stage>(&factor)) {
      f.kind = LoopFactor::Kind::Stage;
      f.stride = stage->stride;
      f.values = reIm(stage->twiddles);
    } else if (const auto *perm = std::get_if<Permutation>(&factor)) {
      f.kind = LoopFactor::Kind::Gather;
      f.indices = perm->table(model.n);
    } else {
      f.kind = LoopFactor::Kind::Scale;
      f.values = reIm(std::get<Diagonal>(factor).values);
    }
    factors.push_back(std::move(f));
  }
  return factors;
}

std::array<int32_t, 3> loopDtypes(const Factorization &model) {
  bool single = model.type.precision == Precision::F32;
  int32_t real = single ? BFLY_DTYPE_F32 : BFLY_DTYPE_F64;
  int32_t chain =
      model.type.field == Field::Real
          ? real
          : (single ? BFLY_DTYPE_COMPLEX_F32 : BFLY_DTYPE_COMPLEX_F64);
  return {chain, model.realInput ? real : chain,
          model.realOutput ? real : chain};
}

std::vector<Timing> timeKernelAndBaselines(const Kernel &kernel,
                                           const std::string &target,
                                           const Eigen::MatrixXcd &reference,
                                           const BenchOptions &options,
                                           const Factorization *model) {
  const bfly_kernel_descriptor &d = kernel.descriptor();
  std::vector<Timing> timings;
  bool complexDft = (target == "dft" || target == "idft") &&
                    isComplexDtype(d.input_dtype) &&
                    d.input_dtype == d.output_dtype;
  bool realDft = target == "rfft" || target == "irfft";
  for (int64_t batch : options.batches) {
    std::vector<char> in(d.n * batch * bfly_dtype_size(d.input_dtype), 0);
    std::vector<char> out(d.output_n * batch * bfly_dtype_size(d.output_dtype),
                          0);
    // The real transforms FFTW computes directly (bfly's targets are the
    // same up to the 1/sqrt(n) scaling, which the timing ignores).
    bool realInOut =
        !isComplexDtype(d.input_dtype) && d.input_dtype == d.output_dtype;
    std::optional<fftw_r2r_kind> r2r;
    if (target == "dct")
      r2r = FFTW_REDFT10;
    else if (target == "dst")
      r2r = FFTW_RODFT10;
    else if (target == "hartley")
      r2r = FFTW_DHT;
    bool single = isSingleDtype(d.input_dtype);
    FftwContenders fftw;
    for (const auto &[planner, flags] : fftwPlanners()) {
      if (std::find(options.fftwPlanners.begin(), options.fftwPlanners.end(),
                    planner) == options.fftwPlanners.end())
        continue;
      int n = int(d.n), count = int(batch);
      if (realDft) {
        bool inverse = target == "irfft";
        int reals = int(inverse ? d.output_n : d.n);
        if (single)
          fftw.add<FftwRealDftBatch<float>>(planner, reals, count, inverse,
                                            flags);
        else
          fftw.add<FftwRealDftBatch<double>>(planner, reals, count, inverse,
                                             flags);
      } else if (complexDft) {
        int sign = target == "dft" ? FFTW_FORWARD : FFTW_BACKWARD;
        if (single)
          fftw.add<FftwBatch<float>>(planner, n, count, sign, flags);
        else
          fftw.add<FftwBatch<double>>(planner, n, count, sign, flags);
      } else if (realInOut && r2r) {
        if (single)
          fftw.add<FftwR2rBatch<float>>(planner, n, count, *r2r, flags);
        else
          fftw.add<FftwR2rBatch<double>>(planner, n, count, *r2r, flags);
      }
    }
    // bfly and FFTW in alternation: their ratios are the point.
    std::vector<std::function<void()>> runs = {
        [&] { kernel.apply(in.data(), out.data(), batch); }};
    runs.insert(runs.end(), fftw.runs.begin(), fftw.runs.end());
    std::vector<double> seconds =
        medianSecondsPerCallAlternating(runs, options);
    timings.push_back({"bfly", batch, seconds[0] / double(batch)});
    for (size_t i = 0; i < fftw.names.size(); ++i)
      timings.push_back({fftw.names[i], batch, seconds[i + 1] / double(batch),
                         fftw.plans[i]});
    if (!options.slowBaselines || d.n != d.output_n)
      continue; // the slow baselines compute square maps
    Radix2Loop loop(target, d.n, d.input_dtype, batch);
    if (loop.valid() && d.input_dtype == d.output_dtype) {
      double plain = medianSecondsPerCall([&] { loop.run(); }, options);
      timings.push_back({"radix2-loop", batch, plain / double(batch)});
    }
    if (model) {
      auto [chain, input, output] = loopDtypes(*model);
      ButterflyLoop loop(model->n, chain, input, output, loopFactors(*model),
                         batch);
      double plain = medianSecondsPerCall([&] { loop.run(); }, options);
      timings.push_back({"butterfly-loop", batch, plain / double(batch)});
    }
    DenseProduct product(reference.data(), d.n, d.input_dtype, batch);
    double dense = medianSecondsPerCall([&] { product.run(); }, options);
    timings.push_back({"eigen-dense", batch, dense / double(batch)});
  }
  return timings;
}

double bflyTime(const std::vector<Timing> &timings, int64_t batch) {
  for (const Timing &t : timings)
    if (t.implementation == "bfly" && t.batch == batch)
      return t.secondsPerTransform;
  return 0.0;
}

void printTimings(std::ostream &os, const std::vector<Timing> &timings) {
  os << "  batch  implementation   us/transform   time / bfly time\n";
  for (const Timing &t : timings) {
    char line[128];
    std::snprintf(line, sizeof line, "  %5lld  %-14s %14.3f   %10.2fx\n",
                  static_cast<long long>(t.batch), t.implementation.c_str(),
                  t.secondsPerTransform * 1e6,
                  t.secondsPerTransform / bflyTime(timings, t.batch));
    os << line;
  }
  // Which FFTW won at each batch, and with which plan.
  std::vector<const Timing *> fastest;
  for (const Timing &t : timings) {
    if (t.implementation.rfind("fftw-", 0) != 0)
      continue;
    auto same =
        std::find_if(fastest.begin(), fastest.end(),
                     [&](const Timing *f) { return f->batch == t.batch; });
    if (same == fastest.end())
      fastest.push_back(&t);
    else if (t.secondsPerTransform < (*same)->secondsPerTransform)
      *same = &t;
  }
  for (const Timing *t : fastest)
    os << "  fastest FFTW at batch " << t->batch << ": " << t->implementation
       << ", plan " << t->detail << "\n";
}

void writeTimingsCsv(std::ostream &os, const std::vector<Timing> &timings) {
  os << "implementation,batch,seconds_per_transform,ratio_to_bfly\n";
  for (const Timing &t : timings)
    os << t.implementation << ',' << t.batch << ',' << std::setprecision(6)
       << t.secondsPerTransform << ','
       << t.secondsPerTransform / bflyTime(timings, t.batch) << '\n';
}

bool plotTimings(const std::vector<Timing> &timings, const std::string &title,
                 const std::string &pngPath, std::string &message) {
  // Rows: implementations; columns: batch sizes, in order of appearance.
  std::vector<std::string> names;
  std::vector<int64_t> batches;
  for (const Timing &t : timings) {
    if (std::find(names.begin(), names.end(), t.implementation) == names.end())
      names.push_back(t.implementation);
    if (std::find(batches.begin(), batches.end(), t.batch) == batches.end())
      batches.push_back(t.batch);
  }
  std::ostringstream data, script;
  data << "implementation";
  for (int64_t batch : batches)
    data << " batch_" << batch;
  data << "\n";
  for (const std::string &name : names) {
    data << name;
    for (int64_t batch : batches) {
      double micros = NAN;
      for (const Timing &t : timings)
        if (t.implementation == name && t.batch == batch)
          micros = t.secondsPerTransform * 1e6;
      data << ' ' << micros;
    }
    data << "\n";
  }
  script << "set title '" << title << "'\n"
         << "set style data histogram\nset style histogram cluster gap 1\n"
         << "set style fill solid border -1\nset logscale y\n"
         << "set ylabel 'microseconds per transform (log)'\n"
         << "set key top left\nset xtics nomirror\n"
         << "plot for [c=2:" << batches.size() + 1
         << "] data using c:xtic(1) title columnheader(c)\n";
  return drawPng(pngPath, 800, 480, data.str(), script.str(), message);
}

/// bfly's time at the same size and batch, for ratios.
static double bflyTime(const std::vector<SizedTiming> &rows, int64_t n,
                       int64_t batch) {
  for (const SizedTiming &row : rows)
    if (row.n == n && row.timing.implementation == "bfly" &&
        row.timing.batch == batch)
      return row.timing.secondsPerTransform;
  return 0.0;
}

void writeSizeSweepCsv(std::ostream &os, const std::vector<SizedTiming> &rows) {
  os << "n,implementation,batch,seconds_per_transform,ratio_to_bfly\n";
  for (const SizedTiming &row : rows)
    os << row.n << ',' << row.timing.implementation << ',' << row.timing.batch
       << ',' << std::setprecision(6) << row.timing.secondsPerTransform << ','
       << row.timing.secondsPerTransform /
              bflyTime(rows, row.n, row.timing.batch)
       << '\n';
}

bool plotSizeSweep(const std::vector<SizedTiming> &rows,
                   const std::string &title, const std::string &pngPath,
                   std::string &message) {
  // One gnuplot data block per implementation and batch: "n micros" lines.
  std::vector<std::string> series;
  std::ostringstream data;
  for (const SizedTiming &row : rows) {
    std::string name = row.timing.implementation + " batch " +
                       std::to_string(row.timing.batch);
    if (std::find(series.begin(), series.end(), name) == series.end())
      series.push_back(name);
  }
  for (const std::string &name : series) {
    data << "# " << name << "\n";
    for (const SizedTiming &row : rows)
      if (row.timing.implementation + " batch " +
              std::to_string(row.timing.batch) ==
          name)
        data << row.n << ' ' << row.timing.secondsPerTransform * 1e6 << "\n";
    data << "\n\n";
  }
  std::ostringstream script;
  script << "set title '" << title << "'\nset logscale xy 2\n"
         << "set format y '%g'\nset xlabel 'n'\n"
         << "set ylabel 'microseconds per transform'\nset key top left\n"
         << "plot ";
  for (size_t i = 0; i < series.size(); ++i)
    script << (i ? ", " : "") << "data index " << i
           << " using 1:2 with linespoints title '" << series[i] << "'";
  script << "\n";
  return drawPng(pngPath, 900, 540, data.str(), script.str(), message);
}

} // namespace bfly
