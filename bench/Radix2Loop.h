//===- Radix2Loop.h - the plain radix-2 loop baseline, for this CPU -*- C++
//-*-===//
//
// The transform as a user would write it without bfly or FFTW: in-place
// radix-2 loops over the stages (the Hadamard butterflies; for the DFT a
// bit reversal, then butterflies with a twiddle table), compiled with
// -O3 -march=native in the native baselines' library.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_BENCH_RADIX2LOOP_H
#define BFLY_BENCH_RADIX2LOOP_H

#include <cstdint>
#include <memory>
#include <string>

namespace bfly {

class __attribute__((visibility("default"))) Radix2Loop {
public:
  /// "hadamard" (real or complex dtype) or "dft"/"idft" (complex), unitary
  /// like bfly's targets, on `batch` vectors of `dtype` (a bfly_dtype).
  Radix2Loop(const std::string &transform, int64_t n, int32_t dtype,
             int64_t batch);
  ~Radix2Loop();
  Radix2Loop(const Radix2Loop &) = delete;
  Radix2Loop &operator=(const Radix2Loop &) = delete;

  /// Whether there is a loop for this transform and dtype.
  bool valid() const;
  /// The batch, vectors back to back in the dtype (all ones at first).
  void *data();
  /// One transform of the batch, in place.
  void run();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace bfly

#endif // BFLY_BENCH_RADIX2LOOP_H
