//===- Tuner.cpp - choose the code generator's knobs by timing ------------===//
#include "compiler/Driver/Tuner.h"

#include "compiler/Driver/Output.h"
#include "dialect/IR/BflyOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

namespace bfly {

std::string TuneChoice::str() const {
  return "max-radix=" + std::to_string(maxRadix) +
         " vector-bits=" + std::to_string(vectorBits) +
         " block-bytes=" + std::to_string(blockBytes);
}

std::optional<TuneChoice> TuneChoice::parse(llvm::StringRef text) {
  TuneChoice choice;
  llvm::SmallVector<llvm::StringRef> fields;
  text.trim().split(fields, ' ', -1, /*KeepEmpty=*/false);
  if (fields.size() != 3)
    return std::nullopt;
  unsigned *slots[] = {&choice.maxRadix, &choice.vectorBits,
                       &choice.blockBytes};
  const char *names[] = {"max-radix=", "vector-bits=", "block-bytes="};
  for (int i = 0; i < 3; ++i) {
    llvm::StringRef field = fields[i];
    if (!field.consume_front(names[i]) || field.getAsInteger(10, *slots[i]))
      return std::nullopt;
  }
  return choice;
}

void TuneChoice::applyTo(CompileOptions &options) const {
  options.maxRadix = maxRadix;
  options.vectorBits = vectorBits;
  options.blockBytes = blockBytes;
}

double TuneResult::bestMicroseconds() const {
  for (const auto &[choice, us] : timings)
    if (choice.str() == best.str())
      return us;
  return 0;
}

double TuneResult::defaultMicroseconds() const {
  return timings.empty() ? 0 : timings.front().second;
}

const std::string &hostIdentity() {
  static const std::string identity = [] {
    std::vector<std::string> features;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      if (feature.second)
        features.push_back(feature.first().str());
    std::sort(features.begin(), features.end());
    return llvm::sys::getHostCPUName().str() + " " + llvm::join(features, ",");
  }();
  return identity;
}

std::string defaultWisdomPath() {
  if (const char *path = std::getenv("BFLY_WISDOM"))
    return path;
  llvm::SmallString<128> path;
  if (const char *cache = std::getenv("XDG_CACHE_HOME"); cache && *cache) {
    path = cache;
  } else if (const char *home = std::getenv("HOME"); home && *home) {
    path = home;
    llvm::sys::path::append(path, ".cache");
  } else {
    return "";
  }
  llvm::sys::path::append(path, "bfly", "wisdom.txt");
  return std::string(path);
}

namespace {

/// The wisdom key of `model` on this CPU with this bfly.
std::string wisdomKey(mlir::ModuleOp model) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "bfly " BFLY_VERSION "\ncpu " << hostIdentity() << "\n";
  model.print(os);
  std::array<uint8_t, 32> digest = llvm::SHA256::hash(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(text.data()), text.size()));
  return llvm::toHex(digest, /*LowerCase=*/true);
}

/// The wisdom file's lines, "key choice".
std::vector<std::string> readWisdom(llvm::StringRef path) {
  std::vector<std::string> lines;
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return lines;
  llvm::SmallVector<llvm::StringRef> split;
  (*buffer)->getBuffer().split(split, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef line : split)
    lines.push_back(line.str());
  return lines;
}

/// The knobs worth trying for `model` on this CPU.
std::vector<TuneChoice> candidates(int64_t bytes, unsigned widest) {
  std::vector<unsigned> widths = {widest};
  if (widest > 256)
    widths.push_back(256);
  std::vector<TuneChoice> result;
  if (2 * bytes <= int64_t(CompileOptions().blockBytes)) {
    // Both scratch buffers fit a block: blocking never applies.
    for (unsigned radix : {8u, 16u, 4u})
      for (unsigned width : widths)
        result.push_back({radix, width, CompileOptions().blockBytes});
    return result;
  }
  for (unsigned block : {262144u, 32768u, 1048576u})
    for (unsigned radix : {16u, 8u})
      result.push_back({radix, widest, block});
  return result;
}

/// Median microseconds per transform of `kernel` on zeros.
double timeKernel(const bfly_kernel_descriptor &kernel) {
  int64_t n = kernel.n;
  int64_t batch = std::clamp<int64_t>(16384 / n, 1, 16);
  auto bytesOf = [&](int32_t dtype) {
    return dtype == BFLY_DTYPE_F32           ? 4
           : dtype == BFLY_DTYPE_F64         ? 8
           : dtype == BFLY_DTYPE_COMPLEX_F32 ? 8
                                             : 16;
  };
  std::vector<char> in(size_t(n * batch * bytesOf(kernel.input_dtype))),
      out(size_t(n * batch * bytesOf(kernel.output_dtype)));
  using Clock = std::chrono::steady_clock;
  auto run = [&](int64_t repeats) {
    auto start = Clock::now();
    for (int64_t r = 0; r < repeats; ++r)
      kernel.apply(in.data(), out.data(), batch, n, n);
    return std::chrono::duration<double, std::micro>(Clock::now() - start)
        .count();
  };
  run(1);
  // Repeats enough for about 200 us per sample.
  int64_t repeats = 1;
  while (run(repeats) < 200 && repeats < (1 << 20))
    repeats *= 2;
  std::vector<double> samples;
  for (int s = 0; s < 9; ++s)
    samples.push_back(run(repeats) / double(repeats * batch));
  std::nth_element(samples.begin(), samples.begin() + 4, samples.end());
  return samples[4];
}

} // namespace

llvm::Expected<TuneResult> tuneModel(mlir::ModuleOp model,
                                     const CompileOptions &base,
                                     llvm::StringRef wisdomPath) {
  TuneResult result;
  std::string key = wisdomKey(model);
  std::vector<std::string> wisdom;
  if (!wisdomPath.empty()) {
    wisdom = readWisdom(wisdomPath);
    for (const std::string &line : wisdom) {
      llvm::StringRef text(line);
      if (!text.consume_front(key + " "))
        continue;
      if (std::optional<TuneChoice> choice = TuneChoice::parse(text)) {
        result.best = *choice;
        result.fromWisdom = true;
        return result;
      }
    }
  }

  // The widest SIMD this CPU has, and the model's size, pick the variants.
  unsigned widest = 128;
  for (const auto &feature : llvm::sys::getHostCPUFeatures())
    if (feature.second && feature.first() == "avx512f")
      widest = 512;
    else if (feature.second && feature.first() == "avx" && widest < 256)
      widest = 256;
  int64_t bytes = 0;
  model.walk([&](mlir::bfly::TransformOp transform) {
    auto type = transform.getInputType();
    bytes = type.getNumElements() * 16; // complex<f64> at most
  });
  std::vector<TuneChoice> tried = {{base.maxRadix,
                                    base.vectorBits ? base.vectorBits : widest,
                                    base.blockBytes}};
  for (const TuneChoice &choice : candidates(bytes, widest))
    if (choice.str() != tried.front().str())
      tried.push_back(choice);
  double best = 0;
  for (const TuneChoice &choice : tried) {
    CompileOptions options = base;
    choice.applyTo(options);
    mlir::OwningOpRef<mlir::ModuleOp> copy = model.clone();
    llvm::Expected<JitKernel> kernel = jitCompileModel(*copy, options);
    if (!kernel)
      return kernel.takeError();
    double us = timeKernel(*kernel->descriptor);
    result.timings.push_back({choice, us});
    if (best == 0 || us < best) {
      best = us;
      result.best = choice;
    }
  }
  if (!wisdomPath.empty()) {
    std::string text;
    for (const std::string &line : wisdom)
      if (!llvm::StringRef(line).starts_with(key))
        text += line + "\n";
    text += key + " " + result.best.str() + "\n";
    llvm::SmallString<128> folder(wisdomPath);
    llvm::sys::path::remove_filename(folder);
    if (!folder.empty())
      if (std::error_code ec = llvm::sys::fs::create_directories(folder))
        return llvm::createStringError(ec, "cannot create '%s' for wisdom",
                                       folder.c_str());
    if (llvm::Error error = writeOutput(wisdomPath, text))
      return llvm::createStringError("cannot record wisdom in '%s': %s",
                                     wisdomPath.str().c_str(),
                                     llvm::toString(std::move(error)).c_str());
  }
  return result;
}

} // namespace bfly
