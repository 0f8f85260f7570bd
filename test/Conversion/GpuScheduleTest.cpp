//===- GpuScheduleTest.cpp - the GPU lowering's plans, checked as plans ---===//
//
// What convert-bfly-to-gpu relies on, stated as properties of every plan:
// each phase gives every element of a vector (or tile) to exactly one
// register of one thread; a stage only runs in a phase whose bits hold its
// stride; permutations move reads or writes without phases of their own;
// shared memory layouts of the DFT and Hadamard transforms have no bank
// conflicts at any size; passes over tiles cover each vector once and
// apply every stage where its stride is a tile bit.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/GpuSchedule.h"

#include "llvm/Support/Error.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

namespace bfly::gpu {
namespace {

using Kind = ChainFactor::Kind;

ChainFactor stage(unsigned bit, int64_t group) {
  ChainFactor f;
  f.kind = Kind::Stage;
  f.strideBit = bit;
  f.fuseGroup = group;
  return f;
}

ChainFactor permutation(std::vector<int64_t> gather) {
  ChainFactor f;
  f.kind = Kind::Permute;
  f.gather = std::move(gather);
  return f;
}

ChainFactor diagonal() { return ChainFactor{Kind::Diag}; }

std::vector<int64_t> bitReversal(int64_t n) {
  unsigned bits = 0;
  while ((int64_t(1) << bits) < n)
    ++bits;
  std::vector<int64_t> table(n);
  for (int64_t i = 0; i < n; ++i) {
    int64_t r = 0;
    for (unsigned b = 0; b < bits; ++b)
      r |= ((i >> b) & 1) << (bits - 1 - b);
    table[i] = r;
  }
  return table;
}

/// Stages of strides 1, 2, 4, ... (or the reverse), grouped by 4 as
/// bfly-fuse-stages does for the GPU, after an optional bit reversal.
std::vector<ChainFactor> fftChain(int64_t n, bool reversal,
                                  bool increasing = true) {
  std::vector<ChainFactor> chain;
  if (reversal)
    chain.push_back(permutation(bitReversal(n)));
  unsigned bits = 0;
  while ((int64_t(1) << bits) < n)
    ++bits;
  for (unsigned i = 0; i < bits; ++i)
    chain.push_back(stage(increasing ? i : bits - 1 - i, i / 4));
  return chain;
}

ScheduleRequest request(int64_t n, int64_t scalarBytes, bool complex) {
  ScheduleRequest r;
  r.n = n;
  r.scalarBytes = scalarBytes;
  r.complex = r.complexIn = r.complexOut = complex;
  return r;
}

/// Every phase gives each element of a slot to exactly one (thread,
/// orbit, register), and holds every stage it applies in its bits.
void expectPhasesPartitionTheVector(const Schedule &s,
                                    const std::vector<ChainFactor> &chain) {
  ASSERT_EQ(s.blockThreads, s.threadsPerVector * s.vectorsPerBlock);
  for (const Phase &phase : s.phases) {
    std::vector<int> seen(size_t(s.n), 0);
    for (int64_t lane = 0; lane < s.threadsPerVector; ++lane)
      for (int64_t j = 0; j < s.orbitsPerThread(phase); ++j)
        for (int64_t r = 0; r < phase.registers(); ++r) {
          int64_t e = s.element(phase, lane + j * s.threadsPerVector, r);
          ASSERT_GE(e, 0);
          ASSERT_LT(e, s.n);
          ++seen[size_t(e)];
        }
    EXPECT_TRUE(std::all_of(seen.begin(), seen.end(),
                            [](int count) { return count == 1; }));
    for (size_t f = phase.begin; f < phase.end; ++f) {
      if (chain[f].kind == Kind::Stage) {
        EXPECT_TRUE(std::binary_search(phase.bits.begin(), phase.bits.end(),
                                       chain[f].strideBit))
            << "stage " << f << " outside its phase's bits";
      }
    }
  }
  // The phases apply the chain in order, each factor once.
  size_t next = 0;
  for (const Phase &phase : s.phases) {
    EXPECT_EQ(phase.begin, next);
    next = phase.end;
  }
  EXPECT_EQ(next, chain.size());
  EXPECT_TRUE(s.phases.front().readGlobal);
  EXPECT_TRUE(s.phases.back().writeGlobal);
}

TEST(GpuScheduleTest, EveryPhasePartitionsTheVector) {
  std::mt19937 rng(1);
  for (int64_t n = 2; n <= 4096; n *= 2)
    for (bool reversal : {false, true})
      for (bool increasing : {false, true}) {
        SCOPED_TRACE("n=" + std::to_string(n));
        std::vector<ChainFactor> chain = fftChain(n, reversal, increasing);
        // A diagonal and a shuffle in the middle, a diagonal at the end.
        std::vector<int64_t> shuffle(n);
        for (int64_t i = 0; i < n; ++i)
          shuffle[i] = i;
        std::shuffle(shuffle.begin(), shuffle.end(), rng);
        chain.insert(chain.begin() + long(chain.size() / 2), diagonal());
        chain.insert(chain.begin() + long(chain.size() / 2),
                     permutation(shuffle));
        chain.push_back(diagonal());
        llvm::Expected<Schedule> s = planSchedule(chain, request(n, 4, true));
        ASSERT_TRUE(bool(s)) << llvm::toString(s.takeError());
        expectPhasesPartitionTheVector(*s, chain);
      }
}

/// Permutations move reads and writes: a bit reversal first adds no phase
/// to the stages' own, a permutation between two groups makes the second
/// read before it writes.
TEST(GpuScheduleTest, PermutationsCostNoPhase) {
  llvm::Expected<Schedule> plain =
      planSchedule(fftChain(1024, false, false), request(1024, 4, true));
  llvm::Expected<Schedule> reversed =
      planSchedule(fftChain(1024, true, true), request(1024, 4, true));
  ASSERT_TRUE(plain && reversed);
  // Decreasing strides read global memory directly (their free bits are
  // the low ones); the reversal's scatter stands in for the first read.
  EXPECT_EQ(plain->phases.size(), 4u);
  EXPECT_EQ(reversed->phases.size(), 4u);
  EXPECT_TRUE(reversed->phases.front().isCopy());
  std::vector<ChainFactor> middle = fftChain(256, false);
  middle.insert(middle.begin() + 4, permutation(bitReversal(256)));
  llvm::Expected<Schedule> s = planSchedule(middle, request(256, 4, true));
  ASSERT_TRUE(bool(s));
  int gathering = 0;
  for (const Phase &phase : s->phases)
    gathering += phase.barrierBeforeWrite;
  EXPECT_EQ(gathering, 1);
}

/// The layout chosen for the DFT (bit reversal, increasing strides) and the
/// Hadamard transform makes every shared access of a block conflict-free,
/// for f32 and f64, real and complex.
TEST(GpuScheduleTest, TransformsOfEverySizeHaveNoBankConflicts) {
  for (int64_t n = 2; n <= 8192; n *= 2)
    for (int64_t bytes : {4, 8})
      for (bool reversal : {false, true}) {
        SCOPED_TRACE("n=" + std::to_string(n) + " scalar bytes=" +
                     std::to_string(bytes) + (reversal ? " dft" : " hadamard"));
        llvm::Expected<Schedule> s =
            planSchedule(fftChain(n, reversal), request(n, bytes, reversal));
        if (!s) {
          // Only a vector larger than a block may be refused.
          EXPECT_GT(n * bytes * (reversal ? 2 : 1), 96 * 1024);
          llvm::consumeError(s.takeError());
          continue;
        }
        EXPECT_EQ(s->bankTransactions, s->idealTransactions)
            << "layout " << s->layout.str();
        EXPECT_EQ(s->worstConflict, 1);
      }
}

TEST(GpuScheduleTest, SharedLayoutsAreBijections) {
  for (int64_t n : {32, 256, 4096}) {
    for (SharedLayout layout :
         {SharedLayout{SharedLayout::Kind::Skew, 4},
          SharedLayout{SharedLayout::Kind::Swizzle, 0, 5, {1, 4}},
          SharedLayout{SharedLayout::Kind::Swizzle, 0, 4, {3, 7}}}) {
      std::set<int64_t> positions;
      for (int64_t e = 0; e < n; ++e) {
        int64_t position = layout.position(e);
        EXPECT_GE(position, 0);
        EXPECT_LT(position, layout.length(n));
        positions.insert(position);
      }
      EXPECT_EQ(int64_t(positions.size()), n) << layout.str();
    }
  }
}

/// Beyond one block: launches cover each vector once with their tiles,
/// apply every stage where its stride is a tile bit, keep the low bits in
/// every tile, and read the input only first.
TEST(GpuScheduleTest, PassesOverTilesCoverTheVector) {
  for (int64_t n : {int64_t(1) << 14, int64_t(1) << 17, int64_t(1) << 20}) {
    SCOPED_TRACE("n=" + std::to_string(n));
    std::vector<ChainFactor> chain = fftChain(n, true);
    llvm::Expected<KernelPlan> plan = planKernel(chain, request(n, 4, true));
    ASSERT_TRUE(bool(plan)) << llvm::toString(plan.takeError());
    EXPECT_GE(plan->launches.size(), 2u);
    EXPECT_FALSE(plan->inPlace); // the bit reversal gathers across tiles
    size_t next = 0;
    for (size_t i = 0; i < plan->launches.size(); ++i) {
      const Launch &launch = plan->launches[i];
      const Schedule &s = launch.schedule;
      EXPECT_EQ(launch.begin, next);
      next = launch.end;
      EXPECT_EQ(launch.readsOutput, i > 0);
      EXPECT_EQ(s.gatherOnRead, i == 0);
      EXPECT_EQ(s.n * s.tiles, n);
      EXPECT_EQ(int64_t(1) << s.tileBits.size(), s.n);
      for (unsigned low = 0; low < 4; ++low)
        EXPECT_TRUE(std::count(s.tileBits.begin(), s.tileBits.end(), low));
      for (size_t f = launch.begin; f < launch.end; ++f) {
        if (chain[f].kind == Kind::Stage) {
          EXPECT_TRUE(std::count(s.tileBits.begin(), s.tileBits.end(),
                                 chain[f].strideBit));
        }
      }
    }
    EXPECT_EQ(next, chain.size());
  }
  // What passes cannot do, refused with the reason.
  std::vector<ChainFactor> middle = fftChain(1 << 14, false);
  middle.insert(middle.begin() + 5, permutation(bitReversal(1 << 14)));
  llvm::Expected<KernelPlan> refused =
      planKernel(middle, request(1 << 14, 8, true));
  ASSERT_FALSE(bool(refused));
  EXPECT_NE(llvm::toString(refused.takeError())
                .find("a permutation after the first stage"),
            std::string::npos);
  ScheduleRequest realOut = request(1 << 14, 8, true);
  realOut.complexOut = false;
  llvm::Expected<KernelPlan> real =
      planKernel(fftChain(1 << 14, false), realOut);
  ASSERT_FALSE(bool(real));
  EXPECT_NE(llvm::toString(real.takeError()).find("a real output"),
            std::string::npos);
}

} // namespace
} // namespace bfly::gpu
