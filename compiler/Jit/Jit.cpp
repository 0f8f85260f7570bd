//===- Jit.cpp - compile bfly models in process, with a disk cache --------===//
#include "bfly/jit.hpp"

#include "compiler/Driver/Compiler.h"
#include "compiler/Driver/Tuner.h"
#include "compiler/Import/FactorizationIR.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
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

/// The cache key: everything the kernel's code depends on.
std::string cacheKey(llvm::StringRef canonicalModel,
                     const JitOptions &options) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "bfly " BFLY_VERSION "\nkernel abi " << BFLY_KERNEL_ABI_VERSION
     << "\ncpu " << hostIdentity() << "\nvector-bits " << options.vectorBits
     << "\nmax-radix " << options.maxRadix << "\ntuned " << options.tune
     << "\nop " << options.op << "\nblock-bytes " << CompileOptions().blockBytes
     << "\n"
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

/// The dialects models are read with.
mlir::DialectRegistry compilerRegistry() {
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  return registry;
}

/// A model parsed from text in its own context, with its diagnostics.
class ParsedModel {
public:
  ParsedModel(const std::string &text, const std::string &origin)
      : context(compilerRegistry(), mlir::MLIRContext::Threading::DISABLED),
        origin(origin) {
    context.printOpOnDiagnostic(false);
    handler = std::make_unique<mlir::ScopedDiagnosticHandler>(
        &context, [this](mlir::Diagnostic &d) {
          llvm::raw_string_ostream os(diagnostics);
          os << (diagnostics.empty() ? "" : "\n") << d.getLocation() << ": "
             << d.str();
          return mlir::success();
        });
    mlir::ParserConfig config(&context);
    module = mlir::parseSourceString<mlir::ModuleOp>(text, config, origin);
    if (module && mlir::failed(getModelTransform(*module)))
      module = nullptr;
  }

  /// "`what` 'origin' failed:" and the diagnostics.
  std::string failure(const std::string &what) const {
    return what + " '" + origin + "' failed" +
           (diagnostics.empty() ? "" : ":\n") + diagnostics;
  }

  mlir::MLIRContext context;
  std::string origin, diagnostics;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> handler;
  mlir::OwningOpRef<mlir::ModuleOp> module;
};

std::optional<mlir::bfly::TransformAlgebra> parseAlgebra(llvm::StringRef op) {
  using mlir::bfly::TransformAlgebra;
  return llvm::StringSwitch<std::optional<TransformAlgebra>>(op)
      .Case("forward", TransformAlgebra::Forward)
      .Case("adjoint", TransformAlgebra::Adjoint)
      .Case("transpose", TransformAlgebra::Transpose)
      .Case("inverse", TransformAlgebra::Inverse)
      .Default(std::nullopt);
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
  ParsedModel parsed(text, origin);
  auto failed = [&](const std::string &what) {
    return Kernel::failure(BFLY_ERROR_COMPILE, parsed.failure(what));
  };
  if (!parsed.module)
    return failed("reading the model");
  mlir::ModuleOp module = *parsed.module;

  CompileOptions options;
  options.vectorBits = options_.vectorBits;
  options.maxRadix = options_.maxRadix;
  std::optional<mlir::bfly::TransformAlgebra> op = parseAlgebra(options_.op);
  if (!op)
    return Kernel::failure(BFLY_ERROR_INVALID_ARGUMENT,
                           "unknown op '" + options_.op +
                               "': expected forward, adjoint, transpose or "
                               "inverse");
  options.op = *op;
  // Tunes the options (once a cache miss makes it necessary).
  auto tune = [&]() -> std::string {
    if (!options_.tune)
      return "";
    std::string wisdom =
        options_.cacheDir.empty() ? "" : options_.cacheDir + "/wisdom.txt";
    llvm::Expected<TuneResult> tuned = tuneModel(module, options, wisdom);
    if (!tuned)
      return llvm::toString(tuned.takeError());
    tuned->best.applyTo(options);
    return "";
  };
  if (options_.cacheDir.empty()) {
    if (std::string problem = tune(); !problem.empty())
      return failed("tuning the model (" + problem + ")");
    options.generator = "bfly-jit";
    llvm::Expected<JitKernel> jitted = jitCompileModel(module, options);
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
  module.print(os);
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
  if (std::string problem = tune(); !problem.empty())
    return failed("tuning the model (" + problem + ")");
  options.generator = "bfly-jit key=" + key;
  if (llvm::Error error =
          compileModel(module, options, EmitKind::Shared, soPath)) {
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

//===----------------------------------------------------------------------===//
// GPU images
//===----------------------------------------------------------------------===//

/// What a GpuImage owns: the PTX and the strings and launches its
/// descriptor points to.
struct GpuImage::Data {
  GpuKernelImage image;
  std::string isa = "ptx";
  std::vector<bfly_gpu_launch> launches;
  bfly_gpu_kernel_descriptor descriptor{};
};

GpuImage GpuImage::failure(bfly_status status, std::string message) {
  GpuImage image;
  image.status_ = status;
  image.error_ = std::move(message);
  return image;
}

GpuImage GpuImage::of(std::shared_ptr<const Data> data) {
  GpuImage image;
  image.data_ = std::move(data);
  image.status_ = BFLY_OK;
  image.error_.clear();
  return image;
}

const bfly_gpu_kernel_descriptor &GpuImage::descriptor() const {
  return data_->descriptor;
}

const std::string &GpuImage::ptx() const { return data_->image.ptx; }

GpuKernel GpuImage::load(int device) const {
  if (!data_)
    return GpuKernel::fromStatus(status_, nullptr);
  return GpuKernel::create(data_->descriptor, data_->image.name, device);
}

GpuImage Jit::compileGpuFile(const std::string &path, const std::string &arch) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return GpuImage::failure(BFLY_ERROR_OPEN, "cannot read '" + path + "': " +
                                                  buffer.getError().message());
  return compileGpuBuffer((*buffer)->getBuffer().str(), path, arch);
}

GpuImage Jit::compileGpuText(const std::string &ir, const std::string &arch) {
  return compileGpuBuffer(ir, "<model text>", arch);
}

GpuImage Jit::compileGpuBuffer(const std::string &text,
                               const std::string &origin,
                               const std::string &arch) {
  if (status_ != BFLY_OK)
    return GpuImage::failure(status_, error_);
  ParsedModel parsed(text, origin);
  if (!parsed.module)
    return GpuImage::failure(BFLY_ERROR_COMPILE,
                             parsed.failure("reading the model"));
  CompileOptions options;
  options.gpuArch = arch;
  options.generator = "bfly-jit";
  llvm::Expected<GpuKernelImage> compiled =
      compileGpuImage(*parsed.module, options);
  if (!compiled)
    return GpuImage::failure(
        BFLY_ERROR_COMPILE,
        parsed.failure("compiling the model for " + arch + " (" +
                       llvm::toString(compiled.takeError()) + ")"));
  ++counters_->compiled;
  auto data = std::make_shared<GpuImage::Data>();
  data->image = std::move(*compiled);
  const GpuKernelImage &image = data->image;
  for (const GpuLaunchImage &launch : image.launches)
    data->launches.push_back(
        {launch.entry.c_str(), int32_t(launch.blockThreads),
         int32_t(launch.sharedBytes), int32_t(launch.vectorsPerBlock),
         launch.readsOutput ? 1 : 0, launch.tiles});
  bfly_gpu_kernel_descriptor &d = data->descriptor;
  d.abi_version = BFLY_GPU_KERNEL_ABI_VERSION;
  d.descriptor_size = sizeof(bfly_gpu_kernel_descriptor);
  d.n = image.n;
  d.input_dtype = image.inputDtype;
  d.output_dtype = image.outputDtype;
  d.name = image.name.c_str();
  d.isa = data->isa.c_str();
  d.arch = image.arch.c_str();
  d.image = image.ptx.c_str();
  d.image_size = int64_t(image.ptx.size());
  d.launch_count = int32_t(data->launches.size());
  d.in_place = image.inPlace ? 1 : 0;
  d.launches = data->launches.data();
  d.flops = image.flops;
  d.nonzero_twiddles = image.nonzeroTwiddles;
  d.provenance = image.provenance.c_str();
  return GpuImage::of(std::move(data));
}

} // namespace bfly
