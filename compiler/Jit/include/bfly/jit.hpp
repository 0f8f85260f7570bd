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

#include "bfly/gpu.hpp"
#include "bfly/runtime.hpp"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace bfly {

struct JitOptions {
  /// Where compiled kernels are kept between runs; empty: no disk cache.
  std::string cacheDir;
  /// SIMD width in bits (0: the widest this CPU has), and the largest
  /// radix of fused stages, as for bfly-compile.
  unsigned vectorBits = 0;
  unsigned maxRadix = 8;
  /// Time the code generator's variants on this CPU and keep the fastest
  /// (as bfly-compile --tune), instead of vectorBits and maxRadix. With a
  /// cache folder the tuned kernel is cached (and the choice kept in its
  /// wisdom.txt), so a second compile of the model is a lookup.
  bool tune = false;
  /// The map compiled: "forward" (the model's), "adjoint", "transpose" or
  /// "inverse".
  std::string op = "forward";
};

struct JitStats {
  int64_t compiled = 0; ///< kernels compiled (cache misses, or no cache)
  int64_t cacheHits = 0;
  int64_t rebuilt = 0; ///< cache entries found corrupt or stale
  int64_t cacheWriteFailures = 0;
};

/// A GPU kernel compiled in memory: its PTX and the descriptor a
/// bfly-compile --target=cuda .so would hold. Made without a GPU; load() puts
/// it on one. Copies share the same image.
class GpuImage {
public:
  explicit operator bool() const { return data_ != nullptr; }
  bfly_status status() const { return status_; }
  const std::string &error() const { return error_; }

  const bfly_gpu_kernel_descriptor &descriptor() const;
  const std::string &ptx() const;

  /// The kernel on GPU `device`; without a driver or that GPU, an empty
  /// GpuKernel whose error() says which.
  GpuKernel load(int device = 0) const;

  struct Data;
  static GpuImage failure(bfly_status status, std::string message);
  static GpuImage of(std::shared_ptr<const Data> data);

private:
  std::shared_ptr<const Data> data_;
  bfly_status status_ = BFLY_ERROR_INVALID_ARGUMENT;
  std::string error_ = "no GPU image compiled";
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

  /// A model file, or a model as IR text, compiled to PTX for the NVIDIA
  /// architecture `arch` ("sm_90"), in memory (no disk cache): what
  /// bfly-compile --target=cuda makes, without its file.
  GpuImage compileGpuFile(const std::string &path,
                          const std::string &arch = "sm_90");
  GpuImage compileGpuText(const std::string &ir,
                          const std::string &arch = "sm_90");

private:
  GpuImage compileGpuBuffer(const std::string &text, const std::string &origin,
                            const std::string &arch);

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
