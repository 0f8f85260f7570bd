//===- RecoveryTable.h - the paper's recovery table, measured ---*- C++ -*-===//
//
// Fits every (target, size) cell of the paper's table with bfly's learner
// and writes the result as Markdown, CSV and a gnuplot heatmap, with the
// time, method and permutation of every cell and every failure shown.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_EXPERIMENTS_RECOVERYTABLE_H
#define BFLY_EXPERIMENTS_RECOVERYTABLE_H

#include "compiler/Learn/Fit.h"

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace bfly {

struct RecoveryOptions {
  std::vector<std::string> targets = {"dft",         "dct",      "dst",
                                      "convolution", "hadamard", "hartley",
                                      "legendre",    "randn"};
  std::vector<int64_t> sizes = {8, 16, 32, 64, 128, 256, 512, 1024};
  double recoveredRmse = 1e-4; ///< the paper's bar (float32)
  /// Every cell is fitted again in float64 by the closed forms, to this.
  double polishedRmse = 1e-10;
  /// The gradient method runs where the closed forms fall short, up to
  /// this size, for at most `gradientSeconds` at that size and
  /// proportionally less below it.
  int64_t gradientMaxSize = 32;
  double gradientSeconds = 10;
  int gradientRestarts = 128;
  int jobs = 2;
  std::function<void(const std::string &)> progress;
};

struct RecoveryCell {
  std::string target;
  int64_t n = 0;
  std::string model;      ///< the model class fitted
  std::string paperModel; ///< the paper's model class for this target
  std::string method, permutation;
  double rmse = 0, targetRms = 0, seconds = 0;
  bool recovered = false;
  /// The float64 fit by the closed forms alone.
  std::string f64Method;
  double f64Rmse = 0, f64Seconds = 0;
  bool polished = false;
};

std::vector<RecoveryCell> runRecoveryTable(const RecoveryOptions &options);

void writeRecoveryMarkdown(std::ostream &os,
                           const std::vector<RecoveryCell> &cells,
                           const RecoveryOptions &options);
void writeRecoveryCsv(std::ostream &os, const std::vector<RecoveryCell> &cells);
/// Writes the gnuplot data and script next to `pngPath` and runs gnuplot;
/// false (and a message) when gnuplot is missing or fails.
bool plotRecoveryHeatmap(const std::vector<RecoveryCell> &cells,
                         const RecoveryOptions &options,
                         const std::string &pngPath, std::string &message);

} // namespace bfly

#endif // BFLY_EXPERIMENTS_RECOVERYTABLE_H
