//===- Limits.h - the sizes bfly accepts ------------------------*- C++ -*-===//
//
// One maximum vector length for every layer (kernel_abi.h's BFLY_MAX_N), so
// a size the code generator or the runtime cannot honour is refused up
// front, with the limit in the message, instead of overflowing later.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMMON_LIMITS_H
#define BFLY_COMMON_LIMITS_H

#include "runtime/include/bfly/kernel_abi.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace bfly {

/// The largest n of a model, a kernel or a plan: 2^20.
inline constexpr int64_t kMaxLength = BFLY_MAX_N;

/// True for 2, 4, ..., kMaxLength: the lengths a transform may have.
inline bool isValidLength(int64_t n) {
  return n >= 2 && n <= kMaxLength && (n & (n - 1)) == 0;
}

/// "a power of two from 2 to 1048576 (BFLY_MAX_N)": what isValidLength
/// accepts, for messages.
inline std::string validLengthText() {
  return "a power of two from 2 to " + std::to_string(kMaxLength) +
         " (BFLY_MAX_N)";
}

/// `bytes` as people read them: "512 B", "1.0 GiB".
inline std::string formatBytes(double bytes) {
  const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 6) {
    bytes /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit ? "%.1f %s" : "%.0f %s", bytes,
                units[unit]);
  return text;
}

} // namespace bfly

#endif // BFLY_COMMON_LIMITS_H
