//===- GpuCompiler.cpp - model file -> PTX -> GPU kernel .so --------------===//
//
// bfly-compile --target=cuda: the GPU pipeline's first half makes the
// gpu.func kernel and its records, the second turns the gpu.module into PTX
// text; the .so holds that text and a bfly_gpu_kernel_descriptor
// (gpu_kernel_abi.h), built here as a small host LLVM module.
//
//===----------------------------------------------------------------------===//
#include "compiler/Driver/Compiler.h"
#include "compiler/Driver/Output.h"
#include "compiler/Import/FactorizationIR.h"
#include "compiler/Pipelines/GpuPipeline.h"
#include "dialect/IR/BflyDialect.h"
#include "dialect/IR/BflyOps.h"
#include "runtime/include/bfly/gpu_kernel_abi.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

using namespace mlir;

namespace bfly {
namespace {

int32_t dtypeOf(Type element) {
  bool complex = isa<ComplexType>(element);
  if (complex)
    element = cast<ComplexType>(element).getElementType();
  if (element.isF32())
    return complex ? BFLY_DTYPE_COMPLEX_F32 : BFLY_DTYPE_F32;
  return complex ? BFLY_DTYPE_COMPLEX_F64 : BFLY_DTYPE_F64;
}

/// The PTX ISA version an architecture needs (LLVM's NVPTX rules).
llvm::Expected<std::string> ptxFeatures(StringRef arch) {
  unsigned number = 0;
  StringRef digits = arch;
  bool named = digits.consume_front("sm_");
  digits.consume_back("a"); // the architecture-specific variant, sm_90a
  if (!named || digits.getAsInteger(10, number) || number < 50 || number > 121)
    return llvm::createStringError(
        "unknown NVIDIA architecture '%s' (sm_50 .. sm_121, e.g. sm_90)",
        arch.str().c_str());
  if (number >= 120)
    return std::string("+ptx87");
  if (number >= 100)
    return std::string("+ptx86");
  return std::string("+ptx80");
}

llvm::Expected<GpuKernelImage> readFacts(ModuleOp module) {
  GpuKernelImage facts;
  auto integer = [](DictionaryAttr d, StringRef key) {
    return cast<IntegerAttr>(d.get(key)).getInt();
  };
  bool described = false;
  for (auto gpuModule : module.getOps<gpu::GPUModuleOp>())
    for (auto kernel : gpuModule.getOps<gpu::GPUFuncOp>()) {
      auto launch = kernel->getAttrOfType<DictionaryAttr>(
          mlir::bfly::BflyDialect::kGpuLaunchAttr);
      if (!launch)
        continue;
      GpuLaunchImage image;
      image.entry = kernel.getName().str();
      image.blockThreads = integer(launch, "block_threads");
      image.sharedBytes = integer(launch, "shared_bytes");
      image.vectorsPerBlock = integer(launch, "vectors_per_block");
      image.tiles = integer(launch, "tiles");
      image.readsOutput = integer(launch, "reads_output") != 0;
      facts.inPlace = integer(launch, "in_place") != 0;
      size_t index = size_t(integer(launch, "launch"));
      if (facts.launches.size() <= index)
        facts.launches.resize(index + 1);
      facts.launches[index] = image;
      auto record = kernel->getAttrOfType<DictionaryAttr>(
          mlir::bfly::BflyDialect::kKernelAttr);
      if (!record)
        continue;
      described = true;
      facts.name = cast<StringAttr>(record.get("name")).getValue().str();
      facts.provenance =
          cast<StringAttr>(record.get("provenance")).getValue().str();
      facts.n = integer(record, "n");
      facts.flops = integer(record, "flops");
      facts.nonzeroTwiddles = integer(record, "nonzero_twiddles");
      facts.inputDtype =
          dtypeOf(cast<TypeAttr>(record.get("input")).getValue());
      facts.outputDtype =
          dtypeOf(cast<TypeAttr>(record.get("output")).getValue());
    }
  if (!described)
    return llvm::createStringError("the GPU lowering left no kernel");
  if (facts.launches.size() > BFLY_GPU_MAX_LAUNCHES)
    return llvm::createStringError(
        "the transform needs %zu GPU launches, more than the ABI's %d",
        facts.launches.size(), BFLY_GPU_MAX_LAUNCHES);
  return facts;
}

/// The PTX text of the gpu.binary the pipeline left.
llvm::Expected<std::string> readPtx(ModuleOp module) {
  for (auto binary : module.getOps<gpu::BinaryOp>())
    for (Attribute object : binary.getObjects())
      if (auto ptx = dyn_cast<gpu::ObjectAttr>(object))
        return ptx.getObject().getValue().str();
  return llvm::createStringError("the GPU pipeline left no PTX");
}

/// The host module a GPU kernel .so is made of: the PTX, the descriptor
/// and bfly_gpu_kernel_query.
std::unique_ptr<llvm::Module> descriptorModule(llvm::LLVMContext &context,
                                               const GpuKernelImage &image) {
  auto module = std::make_unique<llvm::Module>("bfly_gpu_kernel", context);
  llvm::IRBuilder<> b(context);
  auto string = [&](StringRef text, StringRef name) -> llvm::Constant * {
    llvm::Constant *data = llvm::ConstantDataArray::getString(context, text);
    auto *global =
        new llvm::GlobalVariable(*module, data->getType(), /*isConstant=*/true,
                                 llvm::GlobalValue::PrivateLinkage, data, name);
    return global;
  };
  auto i32 = [&](int64_t v) { return b.getInt32(uint32_t(v)); };
  auto i64 = [&](int64_t v) { return b.getInt64(uint64_t(v)); };
  const GpuKernelImage &facts = image;
  StringRef arch = image.arch, ptx = image.ptx;
  std::string provenance = facts.provenance;
  llvm::Type *ptr = b.getPtrTy();
  // The C structs' members in order; LLVM lays them out as C does.
  llvm::StructType *launchType =
      llvm::StructType::create(context,
                               {ptr, b.getInt32Ty(), b.getInt32Ty(),
                                b.getInt32Ty(), b.getInt32Ty(), b.getInt64Ty()},
                               "bfly_gpu_launch");
  std::vector<llvm::Constant *> launches;
  for (const GpuLaunchImage &launch : facts.launches)
    launches.push_back(llvm::ConstantStruct::get(
        launchType,
        {string(launch.entry, "__bfly_entry"), i32(launch.blockThreads),
         i32(launch.sharedBytes), i32(launch.vectorsPerBlock),
         i32(launch.readsOutput), i64(launch.tiles)}));
  auto *launchArrayType = llvm::ArrayType::get(launchType, launches.size());
  auto *launchArray = new llvm::GlobalVariable(
      *module, launchArrayType, /*isConstant=*/true,
      llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantArray::get(launchArrayType, launches), "__bfly_launches");
  llvm::StructType *type = llvm::StructType::create(
      context,
      {b.getInt32Ty(), b.getInt32Ty(), b.getInt64Ty(), b.getInt32Ty(),
       b.getInt32Ty(), ptr, ptr, ptr, ptr, b.getInt64Ty(), b.getInt32Ty(),
       b.getInt32Ty(), ptr, b.getInt64Ty(), b.getInt64Ty(), ptr},
      "bfly_gpu_kernel_descriptor");
  llvm::Constant *fields[] = {i32(BFLY_GPU_KERNEL_ABI_VERSION),
                              i32(sizeof(bfly_gpu_kernel_descriptor)),
                              i64(facts.n),
                              i32(facts.inputDtype),
                              i32(facts.outputDtype),
                              string(facts.name, "__bfly_name"),
                              string("ptx", "__bfly_isa"),
                              string(arch, "__bfly_arch"),
                              string(ptx, "__bfly_image"),
                              i64(int64_t(ptx.size())),
                              i32(int64_t(launches.size())),
                              i32(facts.inPlace),
                              launchArray,
                              i64(facts.flops),
                              i64(facts.nonzeroTwiddles),
                              string(provenance, "__bfly_provenance")};
  auto *descriptor = new llvm::GlobalVariable(
      *module, type, /*isConstant=*/true, llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantStruct::get(type, fields), "__bfly_gpu_descriptor");
  auto *query =
      llvm::Function::Create(llvm::FunctionType::get(ptr, /*isVarArg=*/false),
                             llvm::GlobalValue::ExternalLinkage,
                             BFLY_GPU_KERNEL_QUERY_SYMBOL, *module);
  b.SetInsertPoint(llvm::BasicBlock::Create(context, "entry", query));
  b.CreateRet(descriptor);
  return module;
}

/// The GPU pipeline's options from the compiler's.
void setPipelineOptions(GpuPipelineOptions &pipeline,
                        const CompileOptions &options,
                        const std::string &features) {
  pipeline.chip = options.gpuArch;
  pipeline.features = features;
  pipeline.prune = options.pruneThreshold;
  pipeline.maxRadix = options.gpuMaxRadix;
  pipeline.vectorsPerBlock = options.gpuVectorsPerBlock;
  pipeline.maxSharedBytes = options.gpuMaxSharedBytes;
  pipeline.op = options.op;
}

llvm::Error diagnosticsError(StringRef what) {
  return llvm::createStringError("%s failed (see the diagnostics above)",
                                 what.str().c_str());
}

/// The GPU pipeline's first half on `model` (its kernels with their
/// records), with `pipeline` set up for the second.
llvm::Error lowerForGpu(ModuleOp model, const CompileOptions &options,
                        GpuPipelineOptions &pipeline) {
  llvm::Expected<std::string> features = ptxFeatures(options.gpuArch);
  if (!features)
    return features.takeError();
  if (failed(getModelTransform(model)))
    return diagnosticsError("reading the model");
  setPipelineOptions(pipeline, options, *features);
  PassManager kernels(model->getName());
  buildGpuKernelPipeline(kernels, pipeline);
  if (failed(kernels.run(model)))
    return diagnosticsError("lowering the model for the GPU");
  return llvm::Error::success();
}
} // namespace

llvm::Expected<GpuKernelImage> compileGpuImage(ModuleOp model,
                                               const CompileOptions &options) {
  GpuPipelineOptions pipeline;
  if (llvm::Error error = lowerForGpu(model, options, pipeline))
    return std::move(error);
  llvm::Expected<GpuKernelImage> image = readFacts(model);
  if (!image)
    return image.takeError();
  if (!options.generator.empty())
    image->provenance +=
        (image->provenance.empty() ? "compiler=" : "; compiler=") +
        options.generator;
  PassManager binary(model->getName());
  buildGpuBinaryPipeline(binary, pipeline);
  if (failed(binary.run(model)))
    return diagnosticsError("generating PTX");
  llvm::Expected<std::string> ptx = readPtx(model);
  if (!ptx)
    return ptx.takeError();
  image->ptx = std::move(*ptx);
  image->arch = options.gpuArch;
  return image;
}

llvm::Error compileModelForGpu(ModuleOp model, const CompileOptions &options,
                               EmitKind emit, StringRef outputPath) {
  if (emit == EmitKind::LLVMIR || emit == EmitKind::Object)
    return llvm::createStringError(
        "--emit=llvm and --emit=obj are CPU outputs; a GPU kernel is "
        "--emit=so (default), ptx or mlir");
  if (emit == EmitKind::Mlir) {
    GpuPipelineOptions pipeline;
    if (llvm::Error error = lowerForGpu(model, options, pipeline))
      return error;
    std::string text;
    llvm::raw_string_ostream os(text);
    model.print(os);
    return writeOutput(outputPath, text);
  }
  // The CPU kernel of the same model goes into the .so too.
  OwningOpRef<ModuleOp> cpuModel;
  if (emit == EmitKind::Shared)
    cpuModel = model.clone();
  llvm::Expected<GpuKernelImage> image = compileGpuImage(model, options);
  if (!image)
    return image.takeError();
  if (emit == EmitKind::Ptx)
    return writeOutput(outputPath, image->ptx);

  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> host = descriptorModule(context, *image);
  llvm::Expected<llvm::SmallString<0>> descriptor = emitHostObject(*host);
  if (!descriptor)
    return descriptor.takeError();
  CompileOptions cpu = options;
  cpu.gpuArch.clear();
  llvm::Expected<llvm::SmallString<0>> cpuObject =
      compileCpuObject(*cpuModel, cpu);
  if (!cpuObject)
    return cpuObject.takeError();
  return linkShared({StringRef(*descriptor), StringRef(*cpuObject)},
                    outputPath);
}

} // namespace bfly
