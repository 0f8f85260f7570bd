//===- Fit.cpp - what every fitting method shares, and fitAuto ------------===//
#include "compiler/Learn/Fit.h"

#include <cstdio>

namespace bfly {

int modelBlocks(const std::string &modelClass) {
  if (modelClass == "bpp")
    return 1;
  size_t k = modelClass.size() / 2;
  if (k < 1 || k > 8 || modelClass.size() % 2 != 0)
    return 0;
  for (size_t i = 0; i < k; ++i)
    if (modelClass.compare(2 * i, 2, "bp") != 0)
      return 0;
  return int(k);
}

std::string formatRmse(double rmse) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", rmse);
  return text;
}

std::chrono::steady_clock::time_point fitDeadline(const FitOptions &options) {
  if (options.deadline)
    return *options.deadline;
  // Capped so the sum cannot overflow the clock (a limit of years).
  double seconds = std::min(options.timeLimitSeconds, 1e9);
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             std::chrono::duration<double>(std::max(seconds, 0.0)));
}

namespace {
/// The closed form for `modelClass`: the spectral method for bpbp (its
/// BP part by the hierarchical one when that fails), the hierarchical one
/// otherwise.
FitResult closedForm(const Target &target, const FitOptions &options) {
  if (options.modelClass != "bpbp")
    return fitHierarchical(target, options);
  FitResult spectral = fitSpectral(target, options);
  if (spectral.rmse <= options.targetRmse)
    return spectral;
  FitResult hierarchical = fitHierarchical(target, options);
  hierarchical.seconds += spectral.seconds;
  return spectral.rmse <= hierarchical.rmse ? spectral : hierarchical;
}

bool passed(std::chrono::steady_clock::time_point deadline) {
  return std::chrono::steady_clock::now() >= deadline;
}
} // namespace

namespace {
/// fitAuto with modelClass "auto".
FitResult fitAnyClass(const Target &target, const FitOptions &options) {
  FitOptions shared = options;
  shared.deadline = fitDeadline(options);
  FitResult best;
  best.rmse = INFINITY;
  double seconds = 0;
  std::vector<std::string> notes;
  bool recovered = false;
  for (const char *modelClass : kAutoModelClasses) {
    for (bool decreasing : {false, true}) {
      if (recovered || passed(*shared.deadline))
        break;
      if (!options.eitherStride && decreasing != options.decreasingStride)
        continue;
      FitOptions one = shared;
      one.modelClass = modelClass;
      one.decreasingStride = decreasing;
      FitResult result = closedForm(target, one);
      result.modelClass = modelClass;
      result.decreasingStride = decreasing;
      seconds += result.seconds;
      char line[200];
      std::snprintf(line, sizeof line,
                    "tried %s, %s strides, in closed form: rmse %s in %.2f s",
                    modelClass, decreasing ? "decreasing" : "increasing",
                    formatRmse(result.rmse).c_str(), result.seconds);
      notes.push_back(line);
      if (options.progress)
        options.progress(line);
      recovered = result.rmse <= options.targetRmse;
      if (result.rmse < best.rmse || recovered)
        best = std::move(result);
    }
  }
  if (!recovered && options.allowGradient && !passed(*shared.deadline)) {
    FitOptions gradient = shared;
    gradient.modelClass = "bp";
    FitResult result = fitGradient(target, gradient);
    result.modelClass = "bp";
    result.decreasingStride = gradient.decreasingStride;
    seconds += result.seconds;
    if (result.rmse < best.rmse)
      best = std::move(result);
  }
  if (best.rmse > options.targetRmse && passed(*shared.deadline))
    best.timedOut = true;
  best.seconds = seconds;
  best.notes.insert(best.notes.begin(), notes.begin(), notes.end());
  return best;
}
} // namespace

FitResult fitAuto(const Target &target, const FitOptions &options) {
  if (options.modelClass == "auto")
    return fitAnyClass(target, options);
  FitOptions shared = options;
  shared.deadline = fitDeadline(options);
  FitResult best;
  best.rmse = INFINITY;
  double seconds = 0;
  std::vector<std::string> notes;
  auto consider = [&](FitResult result) {
    seconds += result.seconds;
    bool timedOut = best.timedOut || result.timedOut;
    if (result.rmse < best.rmse)
      best = std::move(result);
    best.timedOut = timedOut;
    return best.rmse <= options.targetRmse;
  };
  if (!consider(closedForm(target, shared)) && options.suggestModels) {
    // Another class's closed form may do what the gradient method would
    // search minutes for (a DCT is a BPP, not a BP): say so first.
    FitOptions other = shared;
    other.progress = nullptr;
    for (const char *modelClass : {"bp", "bpp", "bpbp"}) {
      if (modelClass == options.modelClass || passed(*shared.deadline))
        continue;
      other.modelClass = modelClass;
      FitResult result = closedForm(target, other);
      seconds += result.seconds;
      if (result.rmse > options.targetRmse)
        continue;
      char line[200];
      std::snprintf(line, sizeof line,
                    "--model=%s recovers this target in closed form (rmse "
                    "%s in %.2f s)",
                    modelClass, formatRmse(result.rmse).c_str(),
                    result.seconds);
      notes.push_back(line);
      if (options.progress)
        options.progress(line);
      break;
    }
  }
  if (best.rmse > options.targetRmse && options.allowGradient &&
      !passed(*shared.deadline))
    consider(fitGradient(target, shared));
  if (best.rmse > options.targetRmse && passed(*shared.deadline))
    best.timedOut = true;
  best.seconds = seconds;
  best.notes.insert(best.notes.begin(), notes.begin(), notes.end());
  best.modelClass = options.modelClass;
  best.decreasingStride = options.decreasingStride;
  return best;
}

std::optional<FitMethod> parseFitMethod(const std::string &name) {
  if (name == "auto")
    return FitMethod::Auto;
  if (name == "hierarchical")
    return FitMethod::Hierarchical;
  if (name == "spectral")
    return FitMethod::Spectral;
  if (name == "gradient")
    return FitMethod::Gradient;
  return std::nullopt;
}

std::optional<std::string> fitRequestProblem(FitMethod method,
                                             const FitOptions &options) {
  bool automatic = options.modelClass == "auto";
  if (!automatic && modelBlocks(options.modelClass) == 0)
    return "unsupported model class '" + options.modelClass +
           "': expected auto, bp, bpp, bpbp or (bp)^k as bp repeated k <= 8 "
           "times";
  if (method == FitMethod::Spectral && !automatic &&
      options.modelClass != "bpbp")
    return std::string("the spectral method fits bpbp models only");
  if (method == FitMethod::Spectral && options.decreasingStride)
    return std::string("the spectral method fits increasing strides only");
  return std::nullopt;
}

FitResult fit(FitMethod method, const Target &target, const FitOptions &given) {
  // One method fits one class: "auto" means bpbp for the spectral method,
  // bp for the others.
  FitOptions options = given;
  if (method != FitMethod::Auto && options.modelClass == "auto")
    options.modelClass = method == FitMethod::Spectral ? "bpbp" : "bp";
  FitResult result;
  switch (method) {
  case FitMethod::Hierarchical:
    result = fitHierarchical(target, options);
    break;
  case FitMethod::Spectral:
    result = fitSpectral(target, options);
    break;
  case FitMethod::Gradient:
    result = fitGradient(target, options);
    break;
  case FitMethod::Auto:
    result = fitAuto(target, options);
    break;
  }
  if (method != FitMethod::Auto) {
    result.modelClass = options.modelClass;
    result.decreasingStride = options.decreasingStride;
  }
  // A user's rows x cols matrix: the padding is the model's, not the
  // caller's.
  int64_t n = target.size();
  if (target.cols && target.cols < n)
    result.model.paddedFrom = target.cols;
  if (target.rows && target.rows < n)
    result.model.truncatedTo = target.rows;
  return result;
}

std::map<std::string, std::string>
fitProvenance(const FitResult &result, const FitOptions &options,
              const std::string &target, int64_t n, const std::string &tool) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", result.seconds);
  bool chosen = !result.modelClass.empty();
  bool decreasing = chosen ? result.decreasingStride : options.decreasingStride;
  return {{"target", target},
          {"n", std::to_string(n)},
          {"model", chosen ? result.modelClass : options.modelClass},
          {"method", result.method},
          {"permutation", result.permutation},
          {"precision", options.precision == Precision::F32 ? "f32" : "f64"},
          {"rmse", formatRmse(result.rmse)},
          {"seed", std::to_string(options.seed)},
          {"seconds", seconds},
          {"stride", decreasing ? "decreasing" : "increasing"},
          {"tool", tool}};
}

std::string notRecoveredReason(const FitResult &result, const Target &target,
                               const FitOptions &options,
                               const FitKnobNames &knobs) {
  double relative = relativeError(result.model.toDense(), target) * 100;
  std::string limit;
  if (result.timedOut)
    limit = ", and the fit stopped at " + knobs.timeLimit + "=" +
            formatRmse(options.timeLimitSeconds) + " s";
  return "not recovered: rmse " + formatRmse(result.rmse) + " is above " +
         knobs.targetRmse + " " + formatRmse(options.targetRmse) +
         " (the target's rms is " + formatRmse(rms(target)) +
         "); the model's matrix is off by " + formatRmse(relative) +
         "% of the target's (||M - T||_F / ||T||_F)" + limit;
}

} // namespace bfly
