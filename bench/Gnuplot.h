//===- Gnuplot.h - PNG plots through Debian's gnuplot -----------*- C++ -*-===//
#ifndef BFLY_BENCH_GNUPLOT_H
#define BFLY_BENCH_GNUPLOT_H

#include <string>

namespace bfly {

/// Runs gnuplot on `script` (its commands after the terminal and output
/// settings), which reads its data from `data`, to draw `pngPath`
/// (width x height pixels). The data and the script are written next to
/// the PNG (path.dat, path.gp) so a plot can be redrawn by hand; the PNG
/// appears whole or not at all. False, with `message`, when gnuplot is
/// missing or fails.
bool drawPng(const std::string &pngPath, int width, int height,
             const std::string &data, const std::string &script,
             std::string &message);

} // namespace bfly

#endif // BFLY_BENCH_GNUPLOT_H
