//===- jit.hpp - compile bfly models in process (libbfly_jit) ---*- C++ -*-===//
//
// The compiler as a library: a model given as a file or as IR text becomes a
// bfly::Kernel with exactly the interface of a loaded .so (descriptor,
// apply, plans). Only runtime types appear here, so the header installs
// beside runtime.hpp; in-tree code that holds a compiler model object uses
// compiler/Jit/FactorizationJit.h.
//
// Without a cache folder, mlir::ExecutionEngine compiles the kernel in
// memory. With one, the kernel is compiled once to a .so there (the code
// bfly-compile makes for this CPU) and loaded from it; a later compile of the
// same model, for the same CPU, options and bfly version, is a lookup. An
// entry is trusted only if its checksum matches and its provenance names its
// key; anything else is rebuilt.
//
// A Jit may be used from several threads at once, and compiling never
// disturbs kernels running on other threads.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_JIT_HPP
#define BFLY_JIT_HPP

#include "bfly/runtime.hpp"

#include <atomic>
#include <string>

namespace bfly {

struct JitOptions {
  /// Where compiled kernels are kept between runs; empty: no disk cache.
  std::string cacheDir;
  /// SIMD width in bits (0: the widest this CPU has), and the largest
  /// radix of fused stages, as for bfly-compile.
  unsigned vectorBits = 0;
  unsigned maxRadix = 8;
};

struct JitStats {
  int64_t compiled = 0; ///< kernels compiled (cache misses, or no cache)
  int64_t cacheHits = 0;
  int64_t rebuilt = 0; ///< cache entries found corrupt or stale
  int64_t cacheWriteFailures = 0;
};

class Jit {
public:
  /// A JIT with `options`; a cache folder that cannot be created or
  /// written makes an empty Jit whose error() says why.
  static Jit create(JitOptions options = {});

  explicit operator bool() const { return status_ == BFLY_OK; }
  bfly_status status() const { return status_; }
  const std::string &error() const { return error_; }

  /// The kernel of a model file or of a model as IR text; on failure an
  /// empty Kernel (BFLY_ERROR_COMPILE and the compiler's diagnostics, or
  /// BFLY_ERROR_OPEN for an unreadable file).
  Kernel compileFile(const std::string &path);
  Kernel compileText(const std::string &ir);

  JitStats stats() const;

  /// compileText with `origin` naming the text in diagnostics.
  Kernel compileBuffer(const std::string &text, const std::string &origin);

private:
  JitOptions options_;
  bfly_status status_ = BFLY_ERROR_INVALID_ARGUMENT;
  std::string error_;
  struct Counters {
    std::atomic<int64_t> compiled{0}, cacheHits{0}, rebuilt{0},
        cacheWriteFailures{0};
  };
  std::shared_ptr<Counters> counters_ = std::make_shared<Counters>();
};

} // namespace bfly

#endif // BFLY_JIT_HPP
