//===- Compiler.cpp - model file -> LLVM IR -> object -> .so --------------===//
#include "compiler/Driver/Compiler.h"
#include "compiler/Driver/Output.h"
#include "compiler/Driver/Tuner.h"
#include "llvm/Support/Format.h"

#include "compiler/Import/FactorizationIR.h"
#include "compiler/Pipelines/CpuPipeline.h"
#include "dialect/IR/BflyDialect.h"
#include "runtime/include/bfly/kernel_abi.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

using namespace mlir;

namespace bfly {

void registerCompilerDialects(DialectRegistry &registry) {
  registry
      .insert<mlir::bfly::BflyDialect, func::FuncDialect, arith::ArithDialect,
              scf::SCFDialect, memref::MemRefDialect, cf::ControlFlowDialect,
              LLVM::LLVMDialect, gpu::GPUDialect, NVVM::NVVMDialect>();
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  // The GPU path: convert-gpu-to-nvvm lowers the kernels' arith, memref
  // and cf ops through these interfaces; #nvvm.target serializes to PTX.
  arith::registerConvertArithToLLVMInterface(registry);
  cf::registerConvertControlFlowToLLVMInterface(registry);
  registerConvertMemRefToLLVMInterface(registry);
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerGPUDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
}

namespace {
/// A target machine for `cpu` on this host's triple, and the features from
/// BFLY_KERNEL_CPU_FEATURES that its code may use.
///
/// On x86 the code may use only the instruction sets the runtime's loader
/// can check: the machine is the x86-64 baseline plus those of `cpu`'s
/// extensions that BFLY_KERNEL_CPU_FEATURES names, tuned for `cpu`. An
/// extension the loader cannot check (APX, AVX10, AMX ...) is never used, so
/// a kernel for a newer CPU runs on an older one or is refused by the loader,
/// never dies of SIGILL.
struct Target {
  std::unique_ptr<llvm::TargetMachine> machine;
  std::string cpu; ///< the CPU the code is tuned for (the descriptor's cpu)
  std::string requiredFeatures;
};

llvm::Expected<Target> createTarget(const CompileOptions &options) {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return llvm::createStringError("no LLVM target for %s: %s",
                                   triple.str().c_str(), error.c_str());
  Target result;
  std::string cpuFeatures; // what `cpu` has, for "native" the host's
  if (options.cpu == "native") {
    result.cpu = llvm::sys::getHostCPUName().str();
    std::vector<std::string> enabled;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      enabled.push_back((feature.second ? "+" : "-") + feature.first().str());
    cpuFeatures = llvm::join(enabled, ",");
  } else {
    result.cpu = options.cpu;
  }
  std::unique_ptr<llvm::MCSubtargetInfo> probe(
      target->createMCSubtargetInfo(triple, result.cpu, cpuFeatures));
  if (!probe || !probe->isCPUStringValid(result.cpu))
    return llvm::createStringError("unknown CPU '%s' for %s",
                                   result.cpu.c_str(), triple.str().c_str());
  std::string machineCpu = result.cpu, machineFeatures = cpuFeatures;
  if (triple.isX86()) {
    SmallVector<StringRef> known;
    StringRef(BFLY_KERNEL_CPU_FEATURES).split(known, ',');
    std::vector<std::string> required, enabled;
    for (StringRef feature : known)
      if (probe->checkFeatures(("+" + feature).str())) {
        required.push_back(feature.str());
        enabled.push_back(("+" + feature).str());
      }
    result.requiredFeatures = llvm::join(required, ",");
    machineCpu = "x86-64";
    machineFeatures = llvm::join(enabled, ",");
  }
  result.machine.reset(target->createTargetMachine(
      triple, machineCpu, machineFeatures, llvm::TargetOptions(),
      llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!result.machine)
    return llvm::createStringError("cannot create a target machine for %s",
                                   result.cpu.c_str());
  return result;
}

llvm::Error diagnosticsError(StringRef what) {
  return llvm::createStringError("%s failed (see the diagnostics above)",
                                 what.str().c_str());
}

/// Runs the CPU pipeline for `target` on `model`, in place.
llvm::Error lowerForTarget(ModuleOp model, const CompileOptions &options,
                           const Target &target) {
  if (failed(getModelTransform(model)))
    return diagnosticsError("reading the model");
  PassManager pm(model->getName());
  CpuPipelineOptions pipeline;
  pipeline.cpu = target.cpu;
  pipeline.cpuFeatures = target.requiredFeatures;
  pipeline.lowering = options.lowering;
  pipeline.prune = options.pruneThreshold;
  pipeline.vectorBits = options.vectorBits;
  pipeline.maxRadix = options.maxRadix;
  pipeline.blockBytes = options.blockBytes;
  pipeline.op = options.op;
  if (options.vectorBits == 0) {
    const llvm::MCSubtargetInfo *cpu = target.machine->getMCSubtargetInfo();
    pipeline.vectorBits = cpu->checkFeatures("+avx512f") ? 512
                          : cpu->checkFeatures("+avx")   ? 256
                                                         : 128;
  }
  pipeline.generator = options.generator;
  buildCpuPipeline(pm, pipeline);
  if (failed(pm.run(model)))
    return diagnosticsError("lowering the model");
  return llvm::Error::success();
}

/// The LLVM IR of a lowered `model`, for `target`'s machine (CPU and
/// features), tuned for its CPU.
std::unique_ptr<llvm::Module> translateForTarget(ModuleOp model,
                                                 llvm::LLVMContext &context,
                                                 const Target &target) {
  llvm::TargetMachine &machine = *target.machine;
  std::unique_ptr<llvm::Module> module =
      translateModuleToLLVMIR(model, context);
  if (!module)
    return nullptr;
  module->setDataLayout(machine.createDataLayout());
  module->setTargetTriple(machine.getTargetTriple());
  for (llvm::Function &function : *module) {
    function.addFnAttr("target-cpu", machine.getTargetCPU());
    function.addFnAttr("target-features", machine.getTargetFeatureString());
    function.addFnAttr("tune-cpu", target.cpu);
  }
  return module;
}
} // namespace

llvm::Error writeOutput(StringRef path, StringRef bytes) {
  return llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << bytes;
    return llvm::Error::success();
  });
}

llvm::Error linkShared(ArrayRef<StringRef> objects, StringRef outputPath) {
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc)
    return llvm::createStringError("no 'cc' on PATH to link the kernel");
  SmallVector<SmallString<128>> objectPaths;
  SmallString<128> tempPath;
  llvm::scope_exit cleanup([&] {
    for (const SmallString<128> &path : objectPaths)
      llvm::sys::fs::remove(path);
    if (!tempPath.empty())
      llvm::sys::fs::remove(tempPath);
  });
  for (StringRef object : objects) {
    objectPaths.emplace_back();
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "bfly-kernel", "o", objectPaths.back()))
      return llvm::createStringError(ec, "cannot create a temporary object");
    if (llvm::Error error = writeOutput(objectPaths.back(), object))
      return error;
  }
  int fd;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(
          outputPath + ".tmp-%%%%%%", fd, tempPath))
    return llvm::createStringError(ec, "cannot write next to '%s'",
                                   outputPath.str().c_str());
  llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  SmallVector<StringRef> args = {*cc, "-shared", "-Wl,-z,noexecstack", "-o",
                                 tempPath};
  for (const SmallString<128> &path : objectPaths)
    args.push_back(path);
  std::string message;
  int status =
      llvm::sys::ExecuteAndWait(*cc, args, std::nullopt, {}, 0, 0, &message);
  if (status != 0)
    return llvm::createStringError("linking with %s failed%s%s", cc->c_str(),
                                   message.empty() ? "" : ": ",
                                   message.c_str());
  if (std::error_code ec = llvm::sys::fs::rename(tempPath, outputPath))
    return llvm::createStringError(ec, "cannot write '%s'",
                                   outputPath.str().c_str());
  tempPath.clear();
  return llvm::Error::success();
}

llvm::Expected<SmallString<0>> emitHostObject(llvm::Module &module) {
  CompileOptions portable;
  portable.cpu = "x86-64";
  llvm::Expected<Target> target = createTarget(portable);
  if (!target)
    return target.takeError();
  llvm::TargetMachine &machine = *target->machine;
  module.setDataLayout(machine.createDataLayout());
  module.setTargetTriple(machine.getTargetTriple());
  SmallString<0> object;
  llvm::raw_svector_ostream os(object);
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, os, nullptr,
                                  llvm::CodeGenFileType::ObjectFile))
    return llvm::createStringError("the target cannot emit object files");
  codegen.run(module);
  return object;
}

llvm::Error compileModelFile(StringRef inputPath, const CompileOptions &options,
                             EmitKind emit, StringRef outputPath,
                             llvm::raw_ostream &diagnostics) {
  DialectRegistry registry;
  registerCompilerDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context, diagnostics);
  OwningOpRef<ModuleOp> model = parseModelFile(inputPath, context, sourceMgr);
  if (!model)
    return diagnosticsError("reading the model");
  CompileOptions logged = options;
  logged.log = &diagnostics;
  return compileModel(*model, logged, emit, outputPath);
}

namespace {
/// What the CPU half makes of a model: the lowered module, optimized LLVM
/// IR, or an object, as `emit` asks.
llvm::Expected<SmallString<0>>
compileForCpu(ModuleOp model, const CompileOptions &options, EmitKind emit) {
  llvm::Expected<Target> target = createTarget(options);
  if (!target)
    return target.takeError();
  if (llvm::Error error = lowerForTarget(model, options, *target))
    return error;

  SmallString<0> bytes;
  llvm::raw_svector_ostream os(bytes);
  if (emit == EmitKind::Mlir) {
    model.print(os);
    return bytes;
  }
  llvm::LLVMContext llvmContext;
  llvm::TargetMachine &machine = *target->machine;
  std::unique_ptr<llvm::Module> module =
      translateForTarget(model, llvmContext, *target);
  if (!module)
    return diagnosticsError("translating to LLVM IR");
  auto optimize = makeOptimizingTransformer(options.optLevel, 0, &machine);
  if (llvm::Error error = optimize(module.get()))
    return std::move(error);
  if (emit == EmitKind::LLVMIR) {
    module->print(os, nullptr);
    return bytes;
  }
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, os, nullptr,
                                  llvm::CodeGenFileType::ObjectFile))
    return llvm::createStringError("the target cannot emit object files");
  codegen.run(*module);
  return bytes;
}
} // namespace

llvm::Expected<SmallString<0>> compileCpuObject(ModuleOp model,
                                                const CompileOptions &options) {
  return compileForCpu(model, options, EmitKind::Object);
}

/// options.tune: the tuner's choice applied to `options`, reported in its
/// log.
static llvm::Expected<CompileOptions> tuned(ModuleOp model,
                                            const CompileOptions &options) {
  if (!options.gpuArch.empty())
    return llvm::createStringError("--tune times CPU kernels; a GPU kernel "
                                   "is tuned by its schedule");
  llvm::Expected<TuneResult> result =
      tuneModel(model, options, options.wisdomPath);
  if (!result)
    return result.takeError();
  if (llvm::raw_ostream *log = options.log) {
    if (result->fromWisdom) {
      *log << "tuned (from wisdom): " << result->best.str() << "\n";
    } else {
      for (const auto &[choice, us] : result->timings)
        *log << llvm::format("tune: %-50s %9.3f us\n", choice.str().c_str(),
                             us);
      *log << llvm::format(
          "tuned: %s: %.3f us, %.2fx the default's speed\n",
          result->best.str().c_str(), result->bestMicroseconds(),
          result->defaultMicroseconds() / result->bestMicroseconds());
    }
  }
  CompileOptions chosen = options;
  chosen.tune = false;
  result->best.applyTo(chosen);
  chosen.generator += " (tuned: " + result->best.str() + ")";
  return chosen;
}

llvm::Error compileModel(ModuleOp model, const CompileOptions &options,
                         EmitKind emit, StringRef outputPath) {
  if (options.tune) {
    llvm::Expected<CompileOptions> chosen = tuned(model, options);
    if (!chosen)
      return chosen.takeError();
    return compileModel(model, *chosen, emit, outputPath);
  }
  if (!options.gpuArch.empty())
    return compileModelForGpu(model, options, emit, outputPath);
  if (emit == EmitKind::Ptx)
    return llvm::createStringError(
        "--emit=ptx is a GPU output: give --target=cuda");
  llvm::Expected<SmallString<0>> bytes = compileForCpu(model, options, emit);
  if (!bytes)
    return bytes.takeError();
  if (emit == EmitKind::Shared)
    return linkShared({StringRef(*bytes)}, outputPath);
  return writeOutput(outputPath, *bytes);
}

llvm::Expected<JitKernel> jitCompileModel(ModuleOp model,
                                          const CompileOptions &options) {
  CompileOptions native = options;
  native.cpu = "native"; // the code runs here
  llvm::Expected<Target> target = createTarget(native);
  if (!target)
    return target.takeError();
  if (llvm::Error error = lowerForTarget(model, native, *target))
    return error;
  llvm::TargetMachine &machine = *target->machine;
  std::function<llvm::Error(llvm::Module *)> optimize =
      makeOptimizingTransformer(options.optLevel, 0, &machine);
  ExecutionEngineOptions engineOptions;
  // function_ref members: the callables must outlive create().
  auto translate = [&](Operation *op, llvm::LLVMContext &context) {
    return translateForTarget(cast<ModuleOp>(op), context, *target);
  };
  engineOptions.llvmModuleBuilder = translate;
  engineOptions.transformer = optimize;
  engineOptions.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  engineOptions.enableGDBNotificationListener = false;
  engineOptions.enablePerfNotificationListener = false;
  auto engine = ExecutionEngine::create(model, engineOptions);
  if (!engine)
    return engine.takeError();
  llvm::Expected<void *> query = (*engine)->lookup(BFLY_KERNEL_QUERY_SYMBOL);
  if (!query)
    return query.takeError();
  JitKernel result;
  result.descriptor = reinterpret_cast<bfly_kernel_query_fn>(*query)();
  result.engine = std::move(*engine);
  return result;
}

llvm::Error compileFactorization(const Factorization &model,
                                 const CompileOptions &options, EmitKind emit,
                                 StringRef outputPath) {
  if (std::optional<std::string> error = model.validate())
    return llvm::createStringError("invalid model: %s", error->c_str());
  DialectRegistry registry;
  registerCompilerDialects(registry);
  MLIRContext context(registry);
  OwningOpRef<ModuleOp> module = factorizationToModule(context, model);
  return compileModel(*module, options, emit, outputPath);
}

} // namespace bfly
