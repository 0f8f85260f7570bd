//===- Tuner.h - choose the code generator's knobs by timing ----*- C++ -*-===//
//
// bfly-compile --tune and the JIT's tuned mode: the model's kernel is
// compiled in memory for this CPU under each variant of the code
// generator's knobs (fusion radix, SIMD width, cache blocking for long
// vectors), each is timed, and the fastest is kept. Like FFTW's wisdom, the
// choice is recorded in a text file keyed by the model, this CPU and bfly's
// version, so tuning the same model again is a lookup.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_DRIVER_TUNER_H
#define BFLY_COMPILER_DRIVER_TUNER_H

#include "compiler/Driver/Compiler.h"

#include <string>
#include <vector>

namespace bfly {

/// One setting of the knobs the tuner tries.
struct TuneChoice {
  unsigned maxRadix = 8, vectorBits = 0, blockBytes = 262144;
  /// "max-radix=16 vector-bits=512 block-bytes=262144".
  std::string str() const;
  static std::optional<TuneChoice> parse(llvm::StringRef text);
  void applyTo(CompileOptions &options) const;
};

struct TuneResult {
  TuneChoice best;
  bool fromWisdom = false; ///< found in the wisdom file, not timed
  /// Microseconds per transform of each choice tried, in order; the first
  /// is the default options'.
  std::vector<std::pair<TuneChoice, double>> timings;
  double bestMicroseconds() const;
  double defaultMicroseconds() const;
};

/// This CPU as code generation sees it: its name and enabled features.
const std::string &hostIdentity();

/// Tunes `model` (not modified) for this CPU starting from `base` (its
/// other options are kept). With a `wisdomPath`, a choice recorded there
/// for this model, CPU and bfly version is returned untimed; a new one is
/// recorded (the file is rewritten atomically; one that cannot be written
/// is an error).
llvm::Expected<TuneResult> tuneModel(mlir::ModuleOp model,
                                     const CompileOptions &base,
                                     llvm::StringRef wisdomPath = "");

/// The default wisdom file: $BFLY_WISDOM, else
/// $XDG_CACHE_HOME/bfly/wisdom.txt, else ~/.cache/bfly/wisdom.txt.
std::string defaultWisdomPath();

} // namespace bfly

#endif // BFLY_COMPILER_DRIVER_TUNER_H
