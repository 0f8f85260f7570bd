//===- RecoveryTable.cpp - the paper's recovery table, measured -----------===//
#include "experiments/RecoveryTable.h"

#include "bench/Gnuplot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

namespace bfly {

/// The model class docs/method.md gives each target.
static std::string paperModel(const std::string &target) {
  if (target == "dct" || target == "dst")
    return "bpp";
  if (target == "convolution")
    return "bpbp";
  return "bp";
}

std::vector<RecoveryCell> runRecoveryTable(const RecoveryOptions &options) {
  std::vector<RecoveryCell> cells;
  for (const std::string &name : options.targets)
    for (int64_t n : options.sizes) {
      std::optional<Target> target = makeTarget(name, n);
      if (!target)
        continue;
      bool gradient = n <= options.gradientMaxSize;
      FitOptions fit;
      fit.modelClass = paperModel(name);
      fit.precision = Precision::F32;
      fit.targetRmse = options.recoveredRmse;
      fit.threads = options.jobs;
      fit.restarts = options.gradientRestarts;
      // Time grows with the size: the largest size gets gradientSeconds.
      fit.timeLimitSeconds = std::max(2.0, options.gradientSeconds * double(n) /
                                               double(options.gradientMaxSize));
      fit.allowGradient = gradient;
      FitResult result = fitAuto(*target, fit);
      RecoveryCell cell{name,           n,
                        fit.modelClass, paperModel(name),
                        result.method,  result.permutation,
                        result.rmse,    rms(*target),
                        result.seconds, result.rmse <= options.recoveredRmse};
      FitOptions polish = fit;
      polish.precision = Precision::F64;
      polish.targetRmse = options.polishedRmse;
      polish.allowGradient = false;
      FitResult f64 = fitAuto(*target, polish);
      cell.f64Method = f64.method;
      cell.f64Rmse = f64.rmse;
      cell.f64Seconds = f64.seconds;
      cell.polished = f64.rmse <= options.polishedRmse;
      if (options.progress) {
        char line[240];
        std::snprintf(line, sizeof line,
                      "%-11s n=%-5lld rmse %-9s %s by %s "
                      "in %.2f s; float64 %s by %s in %.2f s",
                      name.c_str(), static_cast<long long>(n),
                      formatRmse(cell.rmse).c_str(),
                      cell.recovered ? "recovered" : "NOT recovered",
                      cell.method.c_str(), cell.seconds,
                      formatRmse(cell.f64Rmse).c_str(), cell.f64Method.c_str(),
                      cell.f64Seconds);
        options.progress(line);
      }
      cells.push_back(std::move(cell));
    }
  return cells;
}

/// One Markdown table: a row per target, a column per size, `format`
/// writing a cell.
static void writeTable(
    std::ostream &os, const std::vector<RecoveryCell> &cells,
    const RecoveryOptions &options,
    const std::function<void(std::ostream &, const RecoveryCell &)> &format) {
  os << "| target (model) |";
  for (int64_t n : options.sizes)
    os << " N=" << n << " |";
  os << "\n|---|";
  for (size_t i = 0; i < options.sizes.size(); ++i)
    os << "---|";
  os << "\n";
  for (const std::string &name : options.targets) {
    os << "| " << name << " (" << paperModel(name) << ") |";
    for (int64_t n : options.sizes)
      for (const RecoveryCell &cell : cells)
        if (cell.target == name && cell.n == n) {
          os << " ";
          format(os, cell);
          os << " |";
        }
    os << "\n";
  }
}

static std::string formatSeconds(double seconds) {
  char text[32];
  if (seconds < 0.01)
    std::snprintf(text, sizeof text, "<0.01 s");
  else
    std::snprintf(text, sizeof text, "%.2f s", seconds);
  return text;
}

void writeRecoveryMarkdown(std::ostream &os,
                           const std::vector<RecoveryCell> &cells,
                           const RecoveryOptions &options) {
  writeTable(os, cells, options, [](std::ostream &os, const RecoveryCell &c) {
    os << (c.recovered ? "" : "**") << formatRmse(c.rmse)
       << (c.recovered ? "" : " failed**") << " " << c.method << ", "
       << formatSeconds(c.seconds);
  });
  os << "\nEach cell: RMSE of the float32 model (recovered when <= "
     << formatRmse(options.recoveredRmse)
     << ", failures in bold), the method that found it, seconds. Methods: "
        "hierarchical (closed form, T P^-1 a butterfly), lift (closed form "
        "through the real part, for real targets of complex models), "
        "spectral (closed form for normal matrices, BPBP), gradient (the "
        "paper's: Adam from random initializations, learned permutation). "
        "Permutations per cell are in the CSV.\n\n";
  writeTable(os, cells, options, [](std::ostream &os, const RecoveryCell &c) {
    os << (c.polished ? "" : "**") << formatRmse(c.f64Rmse)
       << (c.polished ? "" : "**") << ", " << formatSeconds(c.f64Seconds);
  });
  os << "\nThe same cells fitted in float64 by the closed forms alone (the "
        "bar: <= "
     << formatRmse(options.polishedRmse) << ", misses in bold).\n\n";
}

void writeRecoveryCsv(std::ostream &os,
                      const std::vector<RecoveryCell> &cells) {
  os << "target,n,model,paper_model,method,permutation,rmse,target_rms,"
        "seconds,recovered,f64_method,f64_rmse,f64_seconds\n";
  for (const RecoveryCell &cell : cells) {
    char numbers[96];
    std::snprintf(numbers, sizeof numbers, "%.4g,%.4g,%.3f", cell.rmse,
                  cell.targetRms, cell.seconds);
    char f64[64];
    std::snprintf(f64, sizeof f64, "%.4g,%.3f", cell.f64Rmse, cell.f64Seconds);
    os << cell.target << ',' << cell.n << ',' << cell.model << ','
       << cell.paperModel << ',' << cell.method << ",\"" << cell.permutation
       << "\"," << numbers << ',' << (cell.recovered ? "yes" : "no") << ','
       << cell.f64Method << ',' << f64 << '\n';
  }
}

bool plotRecoveryHeatmap(const std::vector<RecoveryCell> &cells,
                         const RecoveryOptions &options,
                         const std::string &pngPath, std::string &message) {
  std::ostringstream data, script;
  for (size_t row = 0; row < options.targets.size(); ++row)
    for (size_t column = 0; column < options.sizes.size(); ++column)
      for (const RecoveryCell &cell : cells)
        if (cell.target == options.targets[row] &&
            cell.n == options.sizes[column])
          data << column << ' ' << row << ' '
               << std::log10(std::max(cell.rmse, 1e-17)) << ' '
               << formatRmse(cell.rmse) << '\n';
  script << "set title 'bfly-learn: log10 RMSE of float32 models "
            "(recovered: <= 1e-4)'\n"
         << "set cbrange [-9:0]\nset palette defined (-9 '#1a9850', -4 "
            "'#fee08b', 0 '#d73027')\nset cblabel 'log10 RMSE'\n"
         << "set xrange [-0.5:" << options.sizes.size() - 0.5 << "]\n"
         << "set yrange [" << options.targets.size() - 0.5 << ":-0.5]\n"
         << "set xtics (";
  for (size_t i = 0; i < options.sizes.size(); ++i)
    script << (i ? ", " : "") << "'" << options.sizes[i] << "' " << i;
  script << ")\nset ytics (";
  for (size_t i = 0; i < options.targets.size(); ++i)
    script << (i ? ", " : "") << "'" << options.targets[i] << "' " << i;
  script << ")\nset xlabel 'N'\nunset key\n"
         << "plot data using 1:2:3 with image, '' using 1:2:4 with labels "
            "font 'sans,8'\n";
  return drawPng(pngPath, 900, 520, data.str(), script.str(), message);
}

} // namespace bfly
