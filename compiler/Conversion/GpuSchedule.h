//===- GpuSchedule.h - how a transform runs on one CUDA block ---*- C++ -*-===//
//
// convert-bfly-to-gpu's plan, made before any IR is built. A block carries
// V vectors, each in its own region of shared memory, with P threads per
// vector. Between two barriers (a phase) every thread holds 2^k elements of
// its vector in registers, elements whose indices differ only in the
// phase's k bits: the stride bits of the fused stages (bfly-fuse-stages'
// groups) it applies, so those stages run in registers and only the
// exchange between phases goes through shared memory. Diagonals are
// applied wherever their elements are held; a permutation costs no pass of
// its own: it moves the addresses of the next read (or of the first write).
// The first and last phases read and write global memory directly where
// their accesses coalesce; otherwise a copy phase (no bits: consecutive
// threads take consecutive elements) stages the vector through shared
// memory. The shared layout (a skew or swizzle of the index, and the
// distance between vectors) is chosen by counting the bank conflicts of
// every shared access the kernel makes.
//
// Plain index arithmetic with no IR: the lowering emits what it says, and
// tests check its invariants without a GPU.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_CONVERSION_GPUSCHEDULE_H
#define BFLY_COMPILER_CONVERSION_GPUSCHEDULE_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bfly::gpu {

/// A factor of the chain, as far as the schedule is concerned.
struct ChainFactor {
  enum class Kind {
    Stage,   ///< a butterfly stage of stride 2^strideBit
    Permute, ///< y[i] = x[gather[i]]
    Diag,    ///< elementwise: applied to whatever elements a thread holds
    Convert, ///< bfly.complex / bfly.real: no work of its own in registers
  };
  Kind kind = Kind::Diag;
  unsigned strideBit = 0;      ///< Stage
  int64_t fuseGroup = -1;      ///< Stage: its bfly.fuse_group (-1: alone)
  std::vector<int64_t> gather; ///< Permute
};

/// What the schedule is asked for.
struct ScheduleRequest {
  int64_t n = 0;
  int64_t scalarBytes = 4;     ///< f32: 4, f64: 8
  bool complex = false;        ///< the chain's values are complex
  bool complexIn = false;      ///< global input elements are complex
  bool complexOut = false;     ///< global output elements are complex
  int64_t vectorsPerBlock = 0; ///< 0: chosen (see planSchedule)
  /// Several vectors share a block until it has this many threads...
  int64_t minBlockThreads = 128;
  /// ...and while their shared memory stays within this many bytes.
  int64_t preferredSharedBytes = 48 * 1024;
  /// No block uses more shared memory than this (beyond 48 KiB the kernel
  /// opts in to dynamic shared memory; the runtime checks the device).
  int64_t maxSharedBytes = 96 * 1024;
  /// A vector too large for one block is computed in several passes over
  /// tiles of at most this many bytes.
  int64_t tileBytes = 32 * 1024;
  /// The chain's leading permutations are applied as the first phase reads
  /// global memory (a gather), not on shared memory: a tile's elements come
  /// from anywhere in the vector.
  bool gatherOnRead = false;
};

/// Where element e of a vector lives in its shared region.
struct SharedLayout {
  enum class Kind {
    Plain, ///< e
    Skew,  ///< e + (e >> shift): one unused word every 2^shift
    /// e ^ sum over shifts s of ((e >> s) & (2^rowBits - 1)): higher bits
    /// folded into the bank bits of rows of 2^rowBits words (no memory).
    Swizzle,
  };
  Kind kind = Kind::Plain;
  unsigned shift = 0;           ///< Skew
  unsigned rowBits = 0;         ///< Swizzle
  std::vector<unsigned> shifts; ///< Swizzle
  /// Words between the regions of two vectors of a block.
  int64_t vectorStride = 0;

  int64_t position(int64_t element) const;
  /// Words one vector of n elements spans: the largest position + 1.
  int64_t length(int64_t n) const;
  /// "plain", "skew5", "swizzle5:7" (row bits, then shifts), for records.
  std::string str() const;
};

/// What each thread does between two barriers.
struct Phase {
  /// The element bits a thread's registers span, ascending.
  std::vector<unsigned> bits;
  /// The chain factors applied: [begin, end). Permutations come before any
  /// stage (they move the phase's reads), except in a phase that reads
  /// global memory with no bits, where they move its writes.
  size_t begin = 0, end = 0;
  bool readGlobal = false, writeGlobal = false;
  /// The phase reads through a permutation: every thread reads before any
  /// thread writes, so a barrier separates its reads and writes.
  bool barrierBeforeWrite = false;

  int64_t registers() const { return int64_t(1) << bits.size(); }
  bool isCopy() const { return bits.empty(); }
};

/// The plan of one kernel launch, over vectors or tiles of them.
struct Schedule {
  /// Elements of what a block's slot holds: a vector, or a tile of one.
  int64_t n = 0;
  /// The vector's bits that index a tile's elements (ascending): element e
  /// of tile t is the vector's element with e's bits at these positions and
  /// t's at the others. All of them when a slot holds a whole vector.
  std::vector<unsigned> tileBits;
  int64_t tiles = 1; ///< per vector
  /// Leading permutations are gathers on the first global read.
  bool gatherOnRead = false;
  int64_t threadsPerVector = 0; ///< P
  int64_t vectorsPerBlock = 0;  ///< V
  int64_t blockThreads = 0;     ///< P * V
  std::vector<Phase> phases;
  SharedLayout layout;
  int64_t sharedWords = 0; ///< scalars of shared memory per block
  int64_t sharedBytes = 0;
  /// Shared memory transactions of one block's accesses, and the fewest
  /// they could take (one per warp, or per half-warp for 8-byte words).
  int64_t bankTransactions = 0, idealTransactions = 0;
  /// The most accesses of one instruction that share a bank.
  int64_t worstConflict = 1;

  /// Orbits (sets of 2^k elements) each thread of a vector takes in `phase`.
  int64_t orbitsPerThread(const Phase &phase) const;
  /// The element register `r` holds for orbit `orbit` of `phase`: the
  /// orbit's bits spread over the bits not in the phase, r's over those in
  /// it. Orbits of a thread: lane, lane + P, lane + 2P, ...
  int64_t element(const Phase &phase, int64_t orbit, int64_t r) const;
  /// The bits of an element index outside `phase`'s, ascending.
  std::vector<unsigned> freeBits(const Phase &phase) const;
  /// Threads of the block with consecutive `element`s in `phase` read or
  /// write at least this many consecutive elements of global memory.
  int64_t contiguousRun(const Phase &phase) const;
};

/// Plans one launch computing `chain` (the transform's factors in order;
/// stride bits index request.n elements) on whole vectors. Refuses, with
/// the sizes, a vector whose shared memory exceeds request.maxSharedBytes.
llvm::Expected<Schedule> planSchedule(const std::vector<ChainFactor> &chain,
                                      const ScheduleRequest &request);

/// One kernel launch of a transform: chain factors [begin, end).
struct Launch {
  size_t begin = 0, end = 0;
  Schedule schedule;
  /// It reads the output buffer (the previous launch's result), not the
  /// input.
  bool readsOutput = false;
};

/// How a transform runs: one launch when a vector fits one block, else one
/// launch per run of stages whose strides (with the low bits that make
/// global accesses coalesce) fit a tile; the first reads the input, the
/// others work in place on the output.
struct KernelPlan {
  std::vector<Launch> launches;
  /// Whether `out` may equal `in`: not when a tile gathers its elements
  /// from across the input while other tiles write.
  bool inPlace = true;
};

/// Plans `chain`. Beyond one block it refuses, with the reason,
/// permutations after the first stage and a complex chain with a real
/// output (the passes keep the chain's values in the output buffer).
llvm::Expected<KernelPlan> planKernel(const std::vector<ChainFactor> &chain,
                                      const ScheduleRequest &request);

} // namespace bfly::gpu

#endif // BFLY_COMPILER_CONVERSION_GPUSCHEDULE_H
