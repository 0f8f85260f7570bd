//===- ExportKernel.cpp - the kernel ABI around a lowered transform -------===//
//
// Wraps the one-vector kernel body in what kernel_abi.h promises: a batched
// apply function, a constant descriptor and the exported query symbol. It
// works on the LLVM dialect, after the standard lowering, because only there
// can a function take raw pointers and call the lowered body with them.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelDescriptor.h"
#include "compiler/Conversion/Passes.h"

#include "dialect/IR/BflyDialect.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "runtime/include/bfly/kernel_abi.h"

namespace mlir::bfly {
#define GEN_PASS_DEF_BFLYEXPORTKERNEL
#include "compiler/Conversion/Passes.h.inc"
} // namespace mlir::bfly

using namespace mlir;
using namespace mlir::bfly;

SmallVector<Type> mlir::bfly::kernelDescriptorFields(MLIRContext *context) {
  Type i32 = IntegerType::get(context, 32), i64 = IntegerType::get(context, 64);
  Type ptr = LLVM::LLVMPointerType::get(context);
  return {
      i32, // abi_version
      i32, // descriptor_size
      i64, // n
      i64, // output_n
      i32, // input_dtype
      i32, // output_dtype
      ptr, // name
      ptr, // cpu
      ptr, // cpu_features
      i64, // flops
      i64, // nonzero_twiddles
      ptr, // provenance
      ptr, // apply
      i64, // phases
      i64, // phase_scratch_bytes
      ptr, // apply_phase
  };
}

namespace {

/// The kernel_abi.h dtype and the size in bytes of one element.
std::pair<bfly_dtype, int64_t> dtypeOf(Type type) {
  if (auto complex = dyn_cast<ComplexType>(type))
    return complex.getElementType().isF32()
               ? std::pair(BFLY_DTYPE_COMPLEX_F32, int64_t{8})
               : std::pair(BFLY_DTYPE_COMPLEX_F64, int64_t{16});
  return type.isF32() ? std::pair(BFLY_DTYPE_F32, int64_t{4})
                      : std::pair(BFLY_DTYPE_F64, int64_t{8});
}

class KernelExporter {
public:
  KernelExporter(ModuleOp module, LLVM::LLVMFuncOp body)
      : b(body.getLoc(), module.getContext()), module(module), body(body) {
    b.setInsertionPointToEnd(module.getBody());
  }

  /// void apply(const void *in, void *out, i64 batch, i64 in_dist,
  ///            i64 out_dist): calls the body on each vector of the batch.
  LLVM::LLVMFuncOp buildApply(int64_t inBytes, int64_t outBytes) {
    Type ptr = LLVM::LLVMPointerType::get(b.getContext());
    Type i64 = b.getI64Type();
    auto type = LLVM::LLVMFunctionType::get(
        LLVM::LLVMVoidType::get(b.getContext()), {ptr, ptr, i64, i64, i64});
    auto apply = LLVM::LLVMFuncOp::create(b, "__bfly_apply", type,
                                          LLVM::Linkage::Internal);
    OpBuilder::InsertionGuard guard(b);
    Block *entry = apply.addEntryBlock(b);
    Block *header = b.createBlock(&apply.getBody(), {}, {i64}, {b.getLoc()});
    Block *loop = b.createBlock(&apply.getBody());
    Block *exit = b.createBlock(&apply.getBody());
    Value in = entry->getArgument(0), out = entry->getArgument(1);
    Value batch = entry->getArgument(2);

    b.setInsertionPointToEnd(entry);
    LLVM::BrOp::create(b, ValueRange{constant(0)}, header);

    b.setInsertionPointToEnd(header);
    Value i = header->getArgument(0);
    Value more = LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::slt, i, batch);
    LLVM::CondBrOp::create(b, more, loop, exit);

    b.setInsertionPointToEnd(loop);
    auto address = [&](Value base, Value dist, int64_t bytes) {
      Value offset = LLVM::MulOp::create(b, LLVM::MulOp::create(b, i, dist),
                                         constant(bytes));
      return LLVM::GEPOp::create(b, ptr, b.getI8Type(), base,
                                 ValueRange{offset});
    };
    LLVM::CallOp::create(
        b, body,
        ValueRange{address(in, entry->getArgument(3), inBytes),
                   address(out, entry->getArgument(4), outBytes)});
    Value next = LLVM::AddOp::create(b, i, constant(1));
    LLVM::BrOp::create(b, ValueRange{next}, header);

    b.setInsertionPointToEnd(exit);
    LLVM::ReturnOp::create(b, ValueRange{});
    return apply;
  }

  /// void apply_phase(const void *in, void *out, void *scratch, i64 phase,
  ///                  i64 part, i64 parts): the phase function with the
  /// scratch and the scratch `secondAt` bytes on as its two buffers, for
  /// 0 <= part < parts (nothing otherwise).
  LLVM::LLVMFuncOp buildApplyPhase(LLVM::LLVMFuncOp phaseBody,
                                   int64_t secondAt) {
    Type ptr = LLVM::LLVMPointerType::get(b.getContext());
    Type i64 = b.getI64Type();
    auto type =
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(b.getContext()),
                                    {ptr, ptr, ptr, i64, i64, i64});
    auto applyPhase = LLVM::LLVMFuncOp::create(b, "__bfly_apply_phase", type,
                                               LLVM::Linkage::Internal);
    OpBuilder::InsertionGuard guard(b);
    Block *entry = applyPhase.addEntryBlock(b);
    Block *run = b.createBlock(&applyPhase.getBody());
    Block *exit = b.createBlock(&applyPhase.getBody());
    b.setInsertionPointToEnd(entry);
    Value part = entry->getArgument(4), parts = entry->getArgument(5);
    // Unsigned part < parts also refuses a negative part (parts > 0 then).
    Value valid = LLVM::AndOp::create(
        b, LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::ult, part, parts),
        LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::sgt, parts, constant(0)));
    LLVM::CondBrOp::create(b, valid, run, exit);

    b.setInsertionPointToEnd(run);
    Value scratch = entry->getArgument(2);
    Value second = LLVM::GEPOp::create(b, ptr, b.getI8Type(), scratch,
                                       ValueRange{constant(secondAt)});
    LLVM::CallOp::create(b, phaseBody,
                         ValueRange{entry->getArgument(0),
                                    entry->getArgument(1), scratch, second,
                                    entry->getArgument(3), part, parts});
    LLVM::BrOp::create(b, ValueRange{}, exit);
    b.setInsertionPointToEnd(exit);
    LLVM::ReturnOp::create(b, ValueRange{});
    return applyPhase;
  }

  /// A private NUL-terminated string constant.
  LLVM::GlobalOp string(StringRef name, StringRef text) {
    std::string data = text.str();
    data.push_back('\0');
    auto type = LLVM::LLVMArrayType::get(b.getI8Type(), data.size());
    return LLVM::GlobalOp::create(b, type, /*isConstant=*/true,
                                  LLVM::Linkage::Private, name,
                                  b.getStringAttr(data));
  }

  /// The constant descriptor: `values` (integers or symbols) field by
  /// field, laid out by kernelDescriptorFields.
  LLVM::GlobalOp buildDescriptor(ArrayRef<Attribute> values) {
    SmallVector<Type> types = kernelDescriptorFields(b.getContext());
    assert(types.size() == values.size() && "one value per field");
    auto structType = LLVM::LLVMStructType::getLiteral(b.getContext(), types);
    auto global = LLVM::GlobalOp::create(b, structType, /*isConstant=*/true,
                                         LLVM::Linkage::Private,
                                         "__bfly_descriptor", Attribute());
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(b.createBlock(&global.getInitializerRegion()));
    Value desc = LLVM::UndefOp::create(b, structType);
    for (auto [index, field] : llvm::enumerate(llvm::zip(types, values))) {
      auto [type, value] = field;
      Value v;
      if (auto symbol = dyn_cast<FlatSymbolRefAttr>(value))
        v = LLVM::AddressOfOp::create(b, type, symbol.getValue());
      else if (isa<LLVM::ZeroAttr>(value))
        v = LLVM::ZeroOp::create(b, type);
      else
        v = LLVM::ConstantOp::create(b, type, cast<IntegerAttr>(value));
      desc = LLVM::InsertValueOp::create(b, desc, v,
                                         ArrayRef<int64_t>{int64_t(index)});
    }
    LLVM::ReturnOp::create(b, desc);
    return global;
  }

  /// const bfly_kernel_descriptor *bfly_kernel_query(void), exported.
  void buildQuery(LLVM::GlobalOp descriptor) {
    Type ptr = LLVM::LLVMPointerType::get(b.getContext());
    auto query = LLVM::LLVMFuncOp::create(b, BFLY_KERNEL_QUERY_SYMBOL,
                                          LLVM::LLVMFunctionType::get(ptr, {}));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(query.addEntryBlock(b));
    LLVM::ReturnOp::create(
        b, LLVM::AddressOfOp::create(b, ptr, descriptor.getSymName()));
  }

  Value constant(int64_t value) {
    return LLVM::ConstantOp::create(b, b.getI64Type(),
                                    b.getI64IntegerAttr(value));
  }

  ImplicitLocOpBuilder b;
  ModuleOp module;
  LLVM::LLVMFuncOp body;
};

struct BflyExportKernelPass
    : mlir::bfly::impl::BflyExportKernelBase<BflyExportKernelPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<LLVM::LLVMFuncOp> bodies;
    for (auto func : module.getOps<LLVM::LLVMFuncOp>())
      if (func->hasAttr(BflyDialect::kKernelAttr))
        bodies.push_back(func);
    if (bodies.size() != 1) {
      module.emitError("expected one lowered transform (an llvm.func with '")
          << BflyDialect::kKernelAttr << "'), found " << bodies.size();
      return signalPassFailure();
    }
    LLVM::LLVMFuncOp body = bodies.front();
    auto info = body->getAttrOfType<DictionaryAttr>(BflyDialect::kKernelAttr);
    auto get = [&](StringRef key) { return info.get(key); };
    auto [inDtype, inBytes] = dtypeOf(cast<TypeAttr>(get("input")).getValue());
    auto [outDtype, outBytes] =
        dtypeOf(cast<TypeAttr>(get("output")).getValue());
    std::string provenance = cast<StringAttr>(get("provenance")).str();
    if (!generator.empty())
      provenance += (provenance.empty() ? "" : "; ") +
                    std::string("compiler=") + generator;
    body->removeAttr(BflyDialect::kKernelAttr);
    body.setLinkage(LLVM::Linkage::Internal);

    KernelExporter exporter(module, body);
    ImplicitLocOpBuilder &b = exporter.b;
    LLVM::LLVMFuncOp apply = exporter.buildApply(inBytes, outBytes);
    auto symbol = [&](Operation *op) {
      return FlatSymbolRefAttr::get(cast<SymbolOpInterface>(op).getNameAttr());
    };
    auto i32Attr = [&](int64_t v) { return b.getI32IntegerAttr(int32_t(v)); };
    // A kernel that splits a vector across threads: its phase function.
    Attribute phases = b.getI64IntegerAttr(0);
    Attribute phaseScratchBytes = b.getI64IntegerAttr(0);
    Attribute applyPhase = LLVM::ZeroAttr::get(b.getContext());
    if (auto name =
            dyn_cast_or_null<FlatSymbolRefAttr>(get("phase_function"))) {
      auto phaseBody = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
      if (!phaseBody) {
        body.emitOpError("names a phase function '")
            << name.getValue() << "' that is not a lowered function";
        return signalPassFailure();
      }
      phaseBody.setLinkage(LLVM::Linkage::Internal);
      phases = get("phases");
      phaseScratchBytes = get("phase_scratch_bytes");
      applyPhase = symbol(exporter.buildApplyPhase(
          phaseBody, cast<IntegerAttr>(get("phase_scratch_split")).getInt()));
    }
    auto name = exporter.string("__bfly_name",
                                cast<StringAttr>(get("name")).getValue());
    auto cpuName = exporter.string("__bfly_cpu", cpu);
    auto features = exporter.string("__bfly_cpu_features", cpuFeatures);
    auto prov = exporter.string("__bfly_provenance", provenance);
    // In kernel_abi.h's order, the order of kernelDescriptorFields.
    LLVM::GlobalOp descriptor = exporter.buildDescriptor({
        i32Attr(BFLY_KERNEL_ABI_VERSION),
        i32Attr(sizeof(bfly_kernel_descriptor)),
        get("n"),
        get("output_n"),
        i32Attr(inDtype),
        i32Attr(outDtype),
        symbol(name),
        symbol(cpuName),
        symbol(features),
        get("flops"),
        get("nonzero_twiddles"),
        symbol(prov),
        symbol(apply),
        phases,
        phaseScratchBytes,
        applyPhase,
    });
    exporter.buildQuery(descriptor);
  }
};
} // namespace
