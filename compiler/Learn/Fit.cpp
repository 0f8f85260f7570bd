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

FitResult fitAuto(const Target &target, const FitOptions &options) {
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
  return best;
}

} // namespace bfly
