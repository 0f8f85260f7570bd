//===- GpuSchedule.cpp - how a transform runs on one CUDA block -----------===//
#include "compiler/Conversion/GpuSchedule.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <optional>

namespace bfly::gpu {

int64_t SharedLayout::position(int64_t e) const {
  switch (kind) {
  case Kind::Plain:
    return e;
  case Kind::Skew:
    return e + (e >> shift);
  case Kind::Swizzle: {
    int64_t mask = (int64_t(1) << rowBits) - 1, folded = e;
    for (unsigned s : shifts)
      folded ^= (e >> s) & mask;
    return folded;
  }
  }
  return e;
}

int64_t SharedLayout::length(int64_t n) const {
  // A swizzle permutes each row of 2^shift words: n words in all.
  return kind == Kind::Skew ? position(n - 1) + 1 : n;
}

std::string SharedLayout::str() const {
  switch (kind) {
  case Kind::Plain:
    return "plain";
  case Kind::Skew:
    return "skew" + std::to_string(shift);
  case Kind::Swizzle: {
    std::string text = "swizzle" + std::to_string(rowBits);
    for (size_t i = 0; i < shifts.size(); ++i)
      text += (i ? "+" : ":") + std::to_string(shifts[i]);
    return text;
  }
  }
  return "plain";
}

int64_t Schedule::orbitsPerThread(const Phase &phase) const {
  return n / phase.registers() / threadsPerVector;
}

std::vector<unsigned> Schedule::freeBits(const Phase &phase) const {
  std::vector<unsigned> free;
  for (unsigned bit = 0; (int64_t(1) << bit) < n; ++bit)
    if (!std::binary_search(phase.bits.begin(), phase.bits.end(), bit))
      free.push_back(bit);
  return free;
}

int64_t Schedule::element(const Phase &phase, int64_t orbit, int64_t r) const {
  int64_t e = 0;
  std::vector<unsigned> free = freeBits(phase);
  for (size_t i = 0; i < free.size(); ++i)
    if ((orbit >> i) & 1)
      e |= int64_t(1) << free[i];
  for (size_t i = 0; i < phase.bits.size(); ++i)
    if ((r >> i) & 1)
      e |= int64_t(1) << phase.bits[i];
  return e;
}

int64_t Schedule::contiguousRun(const Phase &phase) const {
  std::vector<unsigned> free = freeBits(phase);
  unsigned low = 0;
  while (low < free.size() && free[low] == low)
    ++low;
  return std::min<int64_t>(int64_t(1) << low, threadsPerVector);
}

namespace {

using Kind = ChainFactor::Kind;

/// Maximal runs of consecutive stages of one fuse group with distinct
/// strides: [first, last) of the chain.
std::vector<std::pair<size_t, size_t>>
stageRuns(const std::vector<ChainFactor> &chain) {
  std::vector<std::pair<size_t, size_t>> runs;
  for (size_t i = 0; i < chain.size(); ++i) {
    if (chain[i].kind != Kind::Stage)
      continue;
    bool extends = !runs.empty() && runs.back().second == i &&
                   chain[i].fuseGroup >= 0 &&
                   chain[i].fuseGroup == chain[i - 1].fuseGroup;
    if (extends)
      for (size_t j = runs.back().first; j < i; ++j)
        extends &= chain[j].strideBit != chain[i].strideBit;
    if (extends)
      runs.back().second = i + 1;
    else
      runs.push_back({i, i + 1});
  }
  return runs;
}

/// The first permutation in chain[begin, end), if any.
std::optional<size_t> firstPermutation(const std::vector<ChainFactor> &chain,
                                       size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i)
    if (chain[i].kind == Kind::Permute)
      return i;
  return std::nullopt;
}

/// The phases of `chain`, before the first and last are given direct
/// global access (which needs the threads per vector).
std::vector<Phase> phasesOf(const std::vector<ChainFactor> &chain) {
  size_t size = chain.size();
  auto runs = stageRuns(chain);
  if (runs.empty()) {
    // No stages: elementwise work and permutations, read once, written once.
    Phase copy;
    copy.end = size;
    copy.readGlobal = true;
    if (!firstPermutation(chain, 0, size)) {
      copy.writeGlobal = true;
      return {copy};
    }
    Phase store;
    store.begin = store.end = size;
    store.writeGlobal = true;
    return {copy, store};
  }
  std::vector<Phase> phases;
  if (firstPermutation(chain, 0, runs.front().first)) {
    // Leading permutations scatter the coalesced first read into shared.
    Phase load;
    load.end = runs.front().first;
    load.readGlobal = true;
    phases.push_back(load);
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    Phase phase;
    for (size_t s = runs[i].first; s < runs[i].second; ++s)
      phase.bits.push_back(chain[s].strideBit);
    std::sort(phase.bits.begin(), phase.bits.end());
    if (i == 0) {
      phase.begin = phases.empty() ? 0 : runs[0].first;
    } else {
      // The gap's elementwise factors before its first permutation stay
      // with the previous phase; the permutations move this one's reads.
      size_t gapBegin = runs[i - 1].second, gapEnd = runs[i].first;
      std::optional<size_t> permute = firstPermutation(chain, gapBegin, gapEnd);
      phase.begin = permute ? *permute : gapEnd;
      phase.barrierBeforeWrite = permute.has_value();
      phases.back().end = phase.begin;
    }
    phases.push_back(phase);
  }
  size_t tail = runs.back().second;
  std::optional<size_t> permute = firstPermutation(chain, tail, size);
  phases.back().end = permute ? *permute : size;
  if (permute) {
    // Trailing permutations gather the last, coalesced write from shared.
    Phase store;
    store.begin = *permute;
    store.end = size;
    store.writeGlobal = true;
    phases.push_back(store);
  }
  return phases;
}

/// The inverse of every permutation of the chain (empty elsewhere).
std::vector<std::vector<int64_t>>
inverses(const std::vector<ChainFactor> &chain) {
  std::vector<std::vector<int64_t>> result(chain.size());
  for (size_t i = 0; i < chain.size(); ++i) {
    if (chain[i].kind != Kind::Permute)
      continue;
    result[i].resize(chain[i].gather.size());
    for (size_t j = 0; j < chain[i].gather.size(); ++j)
      result[i][chain[i].gather[j]] = int64_t(j);
  }
  return result;
}

/// Counts the shared memory transactions of every access of one block.
class BankCounter {
public:
  /// Lists, for every shared access instruction of the kernel, the slot
  /// and vector index each thread of a block touches.
  BankCounter(const Schedule &s, const std::vector<ChainFactor> &chain,
              const std::vector<std::vector<int64_t>> &inverse,
              int64_t scalarBytes)
      : banks(128 / scalarBytes), group(128 / scalarBytes),
        threads(s.blockThreads) {
    for (const Phase &phase : s.phases) {
      std::vector<unsigned> free = s.freeBits(phase);
      auto element = [&](int64_t orbit, int64_t r) {
        int64_t e = 0;
        for (size_t i = 0; i < free.size(); ++i)
          e |= ((orbit >> i) & 1) << free[i];
        for (size_t i = 0; i < phase.bits.size(); ++i)
          e |= ((r >> i) & 1) << phase.bits[i];
        return e;
      };
      // Where thread `lane` reads (or writes) for orbit j, register r.
      auto index = [&](int64_t lane, int64_t j, int64_t r, bool write) {
        int64_t e = element(lane + j * s.threadsPerVector, r);
        if (phase.readGlobal && phase.isCopy()) {
          // e is the global position read; permutations move the write.
          for (size_t f = phase.begin; f < phase.end; ++f)
            if (chain[f].kind == Kind::Permute)
              e = inverse[f][e];
          return e;
        }
        if (write)
          return e;
        // y = P2 P1 x reads y[e] at x[p1[p2[e]]].
        for (size_t f = phase.end; f-- > phase.begin;)
          if (chain[f].kind == Kind::Permute)
            e = chain[f].gather[e];
        return e;
      };
      for (int64_t j = 0; j < s.orbitsPerThread(phase); ++j)
        for (int64_t r = 0; r < phase.registers(); ++r)
          for (bool write : {false, true}) {
            if (write ? phase.writeGlobal : phase.readGlobal)
              continue;
            accesses.emplace_back();
            for (int64_t t = 0; t < threads; ++t)
              accesses.back().push_back(
                  {t / s.threadsPerVector,
                   index(t % s.threadsPerVector, j, r, write)});
          }
    }
  }

  /// Transactions, the fewest possible, and the worst conflict under
  /// `layout`.
  void count(const SharedLayout &layout, int64_t &transactions, int64_t &ideal,
             int64_t &worst) const {
    transactions = ideal = 0;
    worst = 1;
    std::vector<std::vector<int64_t>> perBank(banks);
    for (const auto &access : accesses)
      for (int64_t first = 0; first < threads; first += group) {
        for (auto &addresses : perBank)
          addresses.clear();
        for (int64_t t = first; t < std::min(first + group, threads); ++t) {
          int64_t address = access[t].first * layout.vectorStride +
                            layout.position(access[t].second);
          auto &addresses = perBank[address % banks];
          if (std::find(addresses.begin(), addresses.end(), address) ==
              addresses.end())
            addresses.push_back(address);
        }
        int64_t ways = 1;
        for (auto &addresses : perBank)
          ways = std::max<int64_t>(ways, int64_t(addresses.size()));
        transactions += ways;
        ideal += 1;
        worst = std::max(worst, ways);
      }
  }

private:
  int64_t banks, group, threads;
  /// Per access instruction, per thread: (slot, index in the vector).
  std::vector<std::vector<std::pair<int64_t, int64_t>>> accesses;
};

/// The layouts tried, cheapest in memory first: swizzles folding one or
/// two runs of higher bits onto the bank bits, then skews.
std::vector<SharedLayout> layoutCandidates(int64_t n, int64_t scalarBytes) {
  unsigned rowBits = llvm::Log2_64(128 / scalarBytes);
  unsigned bits = llvm::Log2_64(n);
  std::vector<SharedLayout> candidates = {{SharedLayout::Kind::Plain}};
  auto swizzle = [&](std::vector<unsigned> shifts) {
    SharedLayout layout{SharedLayout::Kind::Swizzle};
    layout.rowBits = rowBits;
    layout.shifts = std::move(shifts);
    candidates.push_back(layout);
  };
  // Any shift keeps the map a bijection within each row: every bit of the
  // result is its own bit xor higher ones.
  for (unsigned s1 = 1; s1 < bits; ++s1) {
    swizzle({s1});
    for (unsigned s2 = s1 + 1; s2 < bits; ++s2)
      swizzle({s1, s2});
  }
  for (unsigned shift = rowBits; shift + 2 >= rowBits && shift >= 1; --shift)
    if (n > (int64_t(1) << shift)) {
      SharedLayout layout{SharedLayout::Kind::Skew};
      layout.shift = shift;
      candidates.push_back(layout);
    }
  return candidates;
}

bool usesShared(const std::vector<Phase> &phases) {
  return llvm::any_of(
      phases, [](const Phase &p) { return !p.readGlobal || !p.writeGlobal; });
}

} // namespace

llvm::Expected<Schedule> planSchedule(const std::vector<ChainFactor> &given,
                                      const ScheduleRequest &request) {
  int64_t n = request.n;
  if (n < 2 || !llvm::isPowerOf2_64(uint64_t(n)))
    return llvm::createStringError("n must be a power of two of at least 2");
  Schedule s;
  s.n = n;
  for (unsigned bit = 0; (int64_t(1) << bit) < n; ++bit)
    s.tileBits.push_back(bit);
  s.gatherOnRead = request.gatherOnRead;
  // Permutations gathered on the first read leave shared memory alone.
  std::vector<ChainFactor> chain = given;
  if (s.gatherOnRead)
    for (ChainFactor &factor : chain)
      if (factor.kind == Kind::Permute)
        factor = {Kind::Convert};
  s.phases = phasesOf(chain);

  int64_t registers = std::max<int64_t>(1, n / 1024); // at most 1024 threads
  for (const Phase &phase : s.phases)
    registers = std::max(registers, phase.registers());
  s.threadsPerVector = n / registers;

  // The first and last phases access global memory directly where a run
  // of threads covers at least a 32-byte sector.
  auto coalesces = [&](const Phase &phase, bool complex) {
    int64_t bytes = request.scalarBytes * (complex ? 2 : 1);
    return s.contiguousRun(phase) * bytes >= 32;
  };
  if (!s.phases.front().readGlobal) {
    if (coalesces(s.phases.front(), request.complexIn)) {
      s.phases.front().readGlobal = true;
    } else {
      Phase load;
      load.readGlobal = true;
      s.phases.insert(s.phases.begin(), load);
    }
  }
  if (!s.phases.back().writeGlobal) {
    if (coalesces(s.phases.back(), request.complexOut)) {
      s.phases.back().writeGlobal = true;
    } else {
      Phase store;
      store.begin = store.end = chain.size();
      store.writeGlobal = true;
      s.phases.push_back(store);
    }
  }

  int64_t components = request.complex ? 2 : 1;
  int64_t vectorBytes = n * components * request.scalarBytes;
  bool shared = usesShared(s.phases);
  if (shared && vectorBytes > request.maxSharedBytes)
    return llvm::createStringError(
        "one vector needs %lld KiB of shared memory, more than the %lld KiB "
        "a block may use (max-shared-bytes)",
        (long long)(vectorBytes / 1024),
        (long long)(request.maxSharedBytes / 1024));

  int64_t vectors = request.vectorsPerBlock;
  if (vectors == 0) {
    vectors = 1;
    while (
        s.threadsPerVector * vectors < request.minBlockThreads &&
        s.threadsPerVector * vectors * 2 <= 1024 &&
        (!shared || 2 * vectors * vectorBytes <= request.preferredSharedBytes))
      vectors *= 2;
  }
  if (vectors < 1 || s.threadsPerVector * vectors > 1024)
    return llvm::createStringError(
        "%lld vectors of %lld threads make a block of more than 1024 threads",
        (long long)vectors, (long long)s.threadsPerVector);
  s.vectorsPerBlock = vectors;
  s.blockThreads = s.threadsPerVector * vectors;
  if (!shared)
    return s;

  // The layout with the fewest bank conflicts, then the least memory.
  std::vector<std::vector<int64_t>> inverse = inverses(chain);
  BankCounter counter(s, chain, inverse, request.scalarBytes);
  bool chosen = false;
  for (SharedLayout layout : layoutCandidates(n, request.scalarBytes)) {
    int64_t length = layout.length(n);
    std::vector<int64_t> strides = {length};
    if (vectors > 1)
      for (int64_t extra : {1, 2, 4, 8})
        strides.push_back(length + extra);
    for (int64_t stride : strides) {
      layout.vectorStride = stride;
      int64_t words = vectors * stride * components;
      if (words * request.scalarBytes > request.maxSharedBytes)
        continue;
      int64_t transactions, ideal, worst;
      counter.count(layout, transactions, ideal, worst);
      if (chosen &&
          (transactions > s.bankTransactions ||
           (transactions == s.bankTransactions && words >= s.sharedWords)))
        continue;
      chosen = true;
      s.layout = layout;
      s.sharedWords = words;
      s.bankTransactions = transactions;
      s.idealTransactions = ideal;
      s.worstConflict = worst;
    }
  }
  if (!chosen)
    return llvm::createStringError(
        "%lld vectors per block need more than the %lld KiB of shared memory "
        "a block may use (max-shared-bytes)",
        (long long)vectors, (long long)(request.maxSharedBytes / 1024));
  s.sharedBytes = s.sharedWords * request.scalarBytes;
  return s;
}

llvm::Expected<KernelPlan> planKernel(const std::vector<ChainFactor> &chain,
                                      const ScheduleRequest &request) {
  int64_t n = request.n;
  int64_t elementBytes = request.scalarBytes * (request.complex ? 2 : 1);
  KernelPlan plan;
  if (n * elementBytes <= request.maxSharedBytes ||
      !usesShared(phasesOf(chain))) {
    llvm::Expected<Schedule> whole = planSchedule(chain, request);
    if (!whole)
      return whole.takeError();
    plan.launches.push_back({0, chain.size(), std::move(*whole), false});
    return plan;
  }
  unsigned bits = llvm::Log2_64(n);
  int64_t tileBytes = std::min(request.tileBytes, request.maxSharedBytes);
  unsigned tileBits =
      llvm::Log2_64(std::max<int64_t>(2, tileBytes / elementBytes));
  // Runs of this many consecutive elements fill 128-byte lines.
  unsigned lineBits = std::min<unsigned>(
      tileBits - 1, llvm::Log2_64(std::max<int64_t>(1, 128 / elementBytes)));
  // Stages join the current launch while their strides and the line bits
  // fit a tile.
  std::vector<std::pair<size_t, size_t>> ranges;
  std::vector<std::vector<unsigned>> strides;
  size_t begin = 0;
  std::vector<unsigned> current;
  bool staged = false, permuted = false;
  for (size_t i = 0; i < chain.size(); ++i) {
    if (chain[i].kind == Kind::Permute) {
      if (staged)
        return llvm::createStringError(
            "n = %lld needs several passes (one block holds %lld "
            "elements); a permutation after the first stage cannot be "
            "split across them yet",
            (long long)n, (long long)(int64_t(1) << tileBits));
      permuted = true;
      continue;
    }
    if (chain[i].kind != Kind::Stage)
      continue;
    staged = true;
    std::vector<unsigned> joined = current;
    if (!llvm::is_contained(joined, chain[i].strideBit))
      joined.push_back(chain[i].strideBit);
    size_t needed = joined.size();
    for (unsigned bit = 0; bit < lineBits; ++bit)
      needed += !llvm::is_contained(joined, bit);
    if (needed > tileBits && !current.empty()) {
      ranges.push_back({begin, i});
      strides.push_back(current);
      begin = i;
      joined = {chain[i].strideBit};
    }
    current = joined;
  }
  ranges.push_back({begin, chain.size()});
  strides.push_back(current);
  if (ranges.size() > 1 && request.complex && !request.complexOut)
    return llvm::createStringError(
        "n = %lld needs several passes (one block holds %lld elements), "
        "which keep the chain's complex values in the output buffer: a "
        "real output cannot hold them",
        (long long)n, (long long)(int64_t(1) << tileBits));

  for (size_t j = 0; j < ranges.size(); ++j) {
    // The tile: the launch's strides, then the lowest other bits.
    std::vector<unsigned> tile = strides[j];
    for (unsigned bit = 0; bit < bits && tile.size() < tileBits; ++bit)
      if (!llvm::is_contained(tile, bit))
        tile.push_back(bit);
    std::sort(tile.begin(), tile.end());
    std::vector<ChainFactor> local(chain.begin() + ranges[j].first,
                                   chain.begin() + ranges[j].second);
    for (ChainFactor &factor : local)
      if (factor.kind == Kind::Stage)
        factor.strideBit =
            unsigned(llvm::find(tile, factor.strideBit) - tile.begin());
    ScheduleRequest part = request;
    part.n = int64_t(1) << tileBits;
    part.gatherOnRead = j == 0 && permuted;
    part.complexIn = j == 0 ? request.complexIn : request.complex;
    part.complexOut = request.complex;
    llvm::Expected<Schedule> schedule = planSchedule(local, part);
    if (!schedule)
      return schedule.takeError();
    schedule->tileBits = tile;
    schedule->tiles = n >> tileBits;
    plan.launches.push_back(
        {ranges[j].first, ranges[j].second, std::move(*schedule), j > 0});
  }
  plan.inPlace = !permuted;
  return plan;
}

} // namespace bfly::gpu
