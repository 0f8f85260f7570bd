//===- Jit.cpp - compile bfly models in process, with a disk cache --------===//
#include "bfly/jit.hpp"

#include "compiler/Driver/Compiler.h"
#include "compiler/Import/FactorizationIR.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <vector>

namespace bfly {
namespace {

std::string sha256Hex(llvm::StringRef bytes) {
  std::array<uint8_t, 32> digest = llvm::SHA256::hash(
      llvm::ArrayRef<uint8_t>(bytes.bytes_begin(), bytes.bytes_end()));
  return llvm::toHex(digest, /*LowerCase=*/true);
}

/// This CPU as the code generator sees it: its name and features.
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

/// The cache key: everything the kernel's code depends on.
std::string cacheKey(llvm::StringRef canonicalModel,
                     const JitOptions &options) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "bfly " BFLY_VERSION "\nkernel abi " << BFLY_KERNEL_ABI_VERSION
     << "\ncpu " << hostIdentity() << "\nvector-bits " << options.vectorBits
     << "\nmax-radix " << options.maxRadix << "\nblock-bytes "
     << CompileOptions().blockBytes << "\n"
     << canonicalModel;
  return sha256Hex(text);
}

/// Writes `bytes` to `path` through a temporary file and a rename.
llvm::Error writeAtomically(llvm::StringRef path, llvm::StringRef bytes) {
  return llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << bytes;
    return llvm::Error::success();
  });
}

/// Why a cache entry cannot be used, or "" with `kernel` loaded from it.
std::string loadEntry(const std::string &soPath, const std::string &key,
                      Kernel &kernel) {
  auto so = llvm::MemoryBuffer::getFile(soPath, /*IsText=*/false);
  auto sum = llvm::MemoryBuffer::getFile(soPath + ".sha256", /*IsText=*/true);
  if (!so || !sum)
    return "missing";
  // A damaged file is never handed to dlopen.
  if (sha256Hex((*so)->getBuffer()) != (*sum)->getBuffer().trim())
    return "checksum mismatch";
  kernel = Kernel::load(soPath);
  if (!kernel)
    return kernel.error();
  std::string provenance = kernel.descriptor().provenance;
  if (provenance.find("key=" + key) == std::string::npos) {
    kernel = Kernel();
    return "made for another key";
  }
  return "";
}

/// Releases a JIT-compiled kernel's code with its kernel.
void releaseEngine(void *owner) {
  delete static_cast<mlir::ExecutionEngine *>(owner);
}

} // namespace

Jit Jit::create(JitOptions options) {
  Jit jit;
  jit.options_ = std::move(options);
  if (!jit.options_.cacheDir.empty()) {
    const std::string &dir = jit.options_.cacheDir;
    std::error_code ec = llvm::sys::fs::create_directories(dir);
    llvm::SmallString<128> probe;
    if (!ec) {
      int fd = -1;
      ec = llvm::sys::fs::createUniqueFile(dir + "/probe-%%%%%%", fd, probe);
      if (!ec) {
        llvm::sys::fs::closeFile(fd);
        llvm::sys::fs::remove(probe);
      }
    }
    if (ec) {
      jit.status_ = BFLY_ERROR_CACHE;
      jit.error_ = "the JIT cache folder '" + dir +
                   "' cannot be written: " + ec.message();
      return jit;
    }
  }
  jit.status_ = BFLY_OK;
  return jit;
}

JitStats Jit::stats() const {
  return {counters_->compiled, counters_->cacheHits, counters_->rebuilt,
          counters_->cacheWriteFailures};
}

Kernel Jit::compileFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return Kernel::failure(BFLY_ERROR_OPEN, "cannot read '" + path + "': " +
                                                buffer.getError().message());
  return compileBuffer((*buffer)->getBuffer().str(), path);
}

Kernel Jit::compileText(const std::string &ir) {
  return compileBuffer(ir, "<model text>");
}

Kernel Jit::compileBuffer(const std::string &text, const std::string &origin) {
  if (status_ != BFLY_OK)
    return Kernel::failure(status_, error_);
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  context.printOpOnDiagnostic(false);
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    llvm::raw_string_ostream os(diagnostics);
    os << (diagnostics.empty() ? "" : "\n") << d.getLocation() << ": "
       << d.str();
    return mlir::success();
  });
  auto failed = [&](const std::string &what) {
    return Kernel::failure(BFLY_ERROR_COMPILE,
                           what + " '" + origin + "' failed" +
                               (diagnostics.empty() ? "" : ":\n") +
                               diagnostics);
  };
  mlir::ParserConfig config(&context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text, config, origin);
  if (!module || mlir::failed(getModelTransform(*module)))
    return failed("reading the model");

  CompileOptions options;
  options.vectorBits = options_.vectorBits;
  options.maxRadix = options_.maxRadix;
  if (options_.cacheDir.empty()) {
    options.generator = "bfly-jit";
    llvm::Expected<JitKernel> jitted = jitCompileModel(*module, options);
    if (!jitted) {
      std::string message = llvm::toString(jitted.takeError());
      return failed("compiling the model (" + message + ")");
    }
    ++counters_->compiled;
    bfly_kernel *handle = nullptr;
    mlir::ExecutionEngine *engine = jitted->engine.release();
    bfly_status status = bfly_kernel_adopt(jitted->descriptor, origin.c_str(),
                                           engine, releaseEngine, &handle);
    if (status != BFLY_OK)
      releaseEngine(engine);
    return Kernel::fromStatus(status, handle);
  }

  // The key hashes the model as printed, so formatting and comments in the
  // input do not matter.
  std::string canonical;
  llvm::raw_string_ostream os(canonical);
  module->print(os);
  std::string key = cacheKey(canonical, options_);
  std::string soPath = options_.cacheDir + "/" + key + ".so";
  Kernel kernel;
  std::string why = loadEntry(soPath, key, kernel);
  if (why.empty()) {
    ++counters_->cacheHits;
    return kernel;
  }
  if (why != "missing")
    ++counters_->rebuilt;
  options.generator = "bfly-jit key=" + key;
  if (llvm::Error error =
          compileModel(*module, options, EmitKind::Shared, soPath)) {
    std::string message = llvm::toString(std::move(error));
    ++counters_->cacheWriteFailures;
    return failed("compiling the model (" + message + ")");
  }
  ++counters_->compiled;
  auto so = llvm::MemoryBuffer::getFile(soPath, /*IsText=*/false);
  if (!so || writeAtomically(soPath + ".sha256",
                             sha256Hex((*so)->getBuffer()) + "\n")) {
    ++counters_->cacheWriteFailures;
    return Kernel::failure(BFLY_ERROR_CACHE,
                           "cannot write the cache entry '" + soPath + "'");
  }
  return Kernel::load(soPath);
}

} // namespace bfly
