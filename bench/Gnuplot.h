//===- Gnuplot.h - PNG plots through Debian's gnuplot -----------*- C++ -*-===//
#ifndef BFLY_BENCH_GNUPLOT_H
#define BFLY_BENCH_GNUPLOT_H

#include <string>

namespace bfly {

/// Runs gnuplot on `script` (its commands after the terminal and output
/// settings), which reads its data from the file named by the gnuplot
/// variable `data`, to draw `pngPath` (width x height pixels). Gnuplot's
/// files live in a private temporary folder, removed afterwards; the PNG
/// appears whole or not at all. False, with `message`, when gnuplot is
/// missing or fails.
bool drawPng(const std::string &pngPath, int width, int height,
             const std::string &data, const std::string &script,
             std::string &message);

} // namespace bfly

#endif // BFLY_BENCH_GNUPLOT_H
