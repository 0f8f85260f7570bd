//===- KernelLowering.cpp - what every bfly kernel lowering shares --------===//
#include "compiler/Conversion/KernelLowering.h"

#include "compiler/Conversion/Passes.h"
#include "dialect/IR/BflyOps.h"
#include "dialect/IR/Constants.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include "runtime/include/bfly/kernel_abi.h"

#include <complex>
#include <cstdio>

using namespace mlir;
using namespace mlir::bfly;

bool mlir::bfly::isComplexVector(Type type) {
  return isa<ComplexType>(cast<RankedTensorType>(type).getElementType());
}

SmallVector<APFloat> mlir::bfly::flatten(DenseElementsAttr attr) {
  SmallVector<APFloat> flat;
  if (isa<ComplexType>(attr.getElementType())) {
    for (std::complex<APFloat> v : attr.getValues<std::complex<APFloat>>()) {
      flat.push_back(v.real());
      flat.push_back(v.imag());
    }
  } else {
    for (APFloat v : attr.getValues<APFloat>())
      flat.push_back(v);
  }
  return flat;
}

int64_t mlir::bfly::planarImaginaryOffset(Type scalar, int64_t n) {
  constexpr int64_t kPageBytes = 4096;
  int64_t scalarBytes = scalar.getIntOrFloatBitWidth() / 8;
  return n * scalarBytes <= kPageBytes ? n : n + kPageBytes / 2 / scalarBytes;
}

MemRefType mlir::bfly::scratchBufferType(Type scalar, int64_t n) {
  return MemRefType::get({planarImaginaryOffset(scalar, n) + n}, scalar);
}

int64_t mlir::bfly::scratchBufferBytes(Type scalar, int64_t n) {
  return scratchBufferType(scalar, n).getNumElements() *
         int64_t(scalar.getIntOrFloatBitWidth() / 8);
}

KernelScratch::KernelScratch(Type scalar, int64_t n, int64_t buffers)
    : type(scratchBufferType(scalar, n)),
      bytes(buffers * scratchBufferBytes(scalar, n)),
      heap(bytes > BFLY_KERNEL_MAX_STACK_BYTES) {}

KernelScratch::KernelScratch(int64_t bytes, int64_t stackTaken)
    : bytes(bytes), heap(bytes + stackTaken > BFLY_KERNEL_MAX_STACK_BYTES) {}

Value KernelScratch::allocate(ImplicitLocOpBuilder &b) {
  return allocate(b, type);
}

Value KernelScratch::allocate(ImplicitLocOpBuilder &b, MemRefType type) {
  IntegerAttr alignment = b.getI64IntegerAttr(64);
  if (!heap)
    return memref::AllocaOp::create(b, type, alignment);
  Value buffer = memref::AllocOp::create(b, type, alignment);
  // The apply function cannot return a status: out of memory aborts with a
  // message rather than writing through a null pointer.
  Value address = memref::ExtractAlignedPointerAsIndexOp::create(b, buffer);
  Value null = arith::ConstantIndexOp::create(b, 0);
  Value allocatedOk =
      arith::CmpIOp::create(b, arith::CmpIPredicate::ne, address, null);
  cf::AssertOp::create(b, allocatedOk,
                       "bfly kernel: out of memory for its scratch buffers");
  allocated.push_back(buffer);
  return buffer;
}

void KernelScratch::release(ImplicitLocOpBuilder &b) {
  for (Value buffer : allocated)
    memref::DeallocOp::create(b, buffer);
  allocated.clear();
}

memref::GlobalOp mlir::bfly::declareConstantGlobal(ImplicitLocOpBuilder &b,
                                                   SymbolTable &symbols,
                                                   StringRef prefix,
                                                   DenseElementsAttr values) {
  auto type =
      MemRefType::get(values.getType().getShape(), values.getElementType());
  memref::GlobalOp op;
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&symbols.getOp()->getRegion(0).front());
    op = memref::GlobalOp::create(b, prefix, b.getStringAttr("private"), type,
                                  values, /*constant=*/true,
                                  /*alignment=*/b.getI64IntegerAttr(64));
  }
  symbols.insert(op); // renames it if the prefix is taken
  return op;
}

Value mlir::bfly::constantGlobal(ImplicitLocOpBuilder &b, SymbolTable &symbols,
                                 StringRef prefix, DenseElementsAttr values) {
  memref::GlobalOp op = declareConstantGlobal(b, symbols, prefix, values);
  return memref::GetGlobalOp::create(b, op.getType(), op.getSymName());
}

/// An scf.for over [lower, upper) by `step` whose body `body` builds at `b`.
static void forLoop(ImplicitLocOpBuilder &b, Value lower, Value upper,
                    Value step, function_ref<void(Value)> body) {
  scf::ForOp::create(b, lower, upper, step, ValueRange{},
                     [&](OpBuilder &nested, Location, Value iv, ValueRange) {
                       OpBuilder::InsertionGuard guard(b);
                       b.setInsertionPoint(nested.getInsertionBlock(),
                                           nested.getInsertionPoint());
                       body(iv);
                       scf::YieldOp::create(b);
                     });
}

void mlir::bfly::emitLoop(ImplicitLocOpBuilder &b, int64_t count, int64_t step,
                          function_ref<void(Value)> body) {
  auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, v); };
  forLoop(b, index(0), index(count), index(step), body);
}

void mlir::bfly::emitLoopPart(ImplicitLocOpBuilder &b, int64_t count,
                              int64_t step, LoopPart share,
                              function_ref<void(Value)> body) {
  auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, v); };
  // Iterations [iterations * part / parts, iterations * (part+1) / parts):
  // the runs tile the loop whatever `parts` is.
  int64_t iterations = (count + step - 1) / step;
  auto boundary = [&](Value part) {
    Value scaled = arith::MulIOp::create(b, part, index(iterations));
    Value first = arith::DivUIOp::create(b, scaled, share.parts);
    return arith::MulIOp::create(b, first, index(step)).getResult();
  };
  Value next = arith::AddIOp::create(b, share.part, index(1));
  forLoop(b, boundary(share.part), boundary(next), index(step), body);
}

KernelSignature mlir::bfly::kernelSignature(TransformOp transform) {
  RankedTensorType input = transform.getInputType();
  Type scalar = input.getElementType();
  if (auto complex = dyn_cast<ComplexType>(scalar))
    scalar = complex.getElementType();
  return {transform.getLength(),
          isComplexVector(input),
          isComplexVector(transform.getOutputType()),
          scalar,
          input.getDimSize(0),
          transform.getOutputType().getDimSize(0)};
}

func::FuncOp mlir::bfly::createKernel(ImplicitLocOpBuilder &b,
                                      SymbolTable &symbols,
                                      TransformOp transform,
                                      const KernelSignature &s) {
  b.setInsertionPoint(transform);
  auto in = MemRefType::get({s.complexIn ? 2 * s.inputLength : s.inputLength},
                            s.scalar);
  auto out = MemRefType::get(
      {s.complexOut ? 2 * s.outputLength : s.outputLength}, s.scalar);
  auto kernel =
      func::FuncOp::create(b, (transform.getName() + ".lowered").str(),
                           b.getFunctionType({in, out}, {}));
  symbols.insert(kernel);
  b.setInsertionPointToStart(kernel.addEntryBlock());
  return kernel;
}

/// Real operations in one multiplication and one addition.
static int64_t multiplyFlops(bool complex) { return complex ? 6 : 1; }
static int64_t addFlops(bool complex) { return complex ? 2 : 1; }

/// Nonzero scalars: real and imaginary parts count apart.
static int64_t countNonzero(DenseElementsAttr attr) {
  int64_t count = 0;
  for (Value64 v : valuesOf(attr))
    count += (v.real() != 0) + (v.imag() != 0);
  return count;
}

/// "key=value; key=value" from the model's provenance dictionary (strings,
/// as the transform's verifier ensures), then the pruning bound if any.
static std::string provenanceString(TransformOp transform) {
  std::string text;
  auto add = [&](StringRef key, StringRef value) {
    text += (text.empty() ? "" : "; ") + key.str() + "=" + value.str();
  };
  if (DictionaryAttr dict = transform.getProvenanceAttr())
    for (NamedAttribute entry : dict)
      add(entry.getName(), cast<StringAttr>(entry.getValue()).getValue());
  if (FloatAttr bound = transform.getPruneBoundAttr()) {
    char number[32];
    std::snprintf(number, sizeof number, "%.3g", bound.getValueAsDouble());
    add("prune_bound", number);
  }
  return text;
}

DictionaryAttr mlir::bfly::kernelRecord(OpBuilder &b, TransformOp transform,
                                        ArrayRef<NamedAttribute> extra) {
  int64_t n = transform.getLength(), flops = 0, nonzeroTwiddles = 0;
  for (Operation *op : transform.getFactors()) {
    bool complex = isComplexVector(op->getResult(0).getType());
    if (auto stage = dyn_cast<StageOp>(op)) {
      // Per pair: four products and two sums.
      flops += n / 2 * (4 * multiplyFlops(complex) + 2 * addFlops(complex));
      nonzeroTwiddles += countNonzero(stage.getTwiddles());
    } else if (isa<DiagOp>(op)) {
      flops += n * multiplyFlops(complex);
    } else if (isa<RealSpectrumOp>(op)) {
      flops += (n + 1) * kSpectrumFlopsPerBin;
    } else if (isa<PackSpectrumOp>(op)) {
      flops += n * kSpectrumFlopsPerBin;
    }
  }
  auto lengthOf = [&](RankedTensorType type) {
    return b.getI64IntegerAttr(type.getDimSize(0));
  };
  SmallVector<NamedAttribute> info = {
      b.getNamedAttr("name", b.getStringAttr(transform.getName())),
      b.getNamedAttr("n", lengthOf(transform.getInputType())),
      b.getNamedAttr("output_n", lengthOf(transform.getOutputType())),
      b.getNamedAttr("input",
                     TypeAttr::get(transform.getInputType().getElementType())),
      b.getNamedAttr("output",
                     TypeAttr::get(transform.getOutputType().getElementType())),
      b.getNamedAttr("flops", b.getI64IntegerAttr(flops)),
      b.getNamedAttr("nonzero_twiddles", b.getI64IntegerAttr(nonzeroTwiddles)),
      b.getNamedAttr("provenance",
                     b.getStringAttr(provenanceString(transform)))};
  info.append(extra.begin(), extra.end());
  return b.getDictionaryAttr(info);
}

void mlir::bfly::finishKernel(ImplicitLocOpBuilder &b, SymbolTable &symbols,
                              TransformOp transform, func::FuncOp kernel,
                              ArrayRef<NamedAttribute> extra) {
  kernel->setAttr(BflyDialect::kKernelAttr, kernelRecord(b, transform, extra));

  // With the transform gone its name is free: the rename cannot fail.
  StringAttr name = transform.getSymNameAttr();
  symbols.erase(transform);
  LogicalResult renamed = symbols.rename(kernel, name);
  assert(succeeded(renamed) && "the transform's name was taken");
  (void)renamed;
}

std::pair<Value, Value> mlir::bfly::emitStagePair(ImplicitLocOpBuilder &b,
                                                  Value pair, int64_t h) {
  auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, v); };
  int logH = llvm::Log2_64(h);
  // top = (pair / h) * 2h + pair % h, bottom = top + h.
  Value block = arith::ShRUIOp::create(b, pair, index(logH));
  Value within = arith::AndIOp::create(b, pair, index(h - 1));
  Value top = arith::OrIOp::create(
      b, arith::ShLIOp::create(b, block, index(logH + 1)), within);
  return {top, arith::AddIOp::create(b, top, index(h))};
}

Value mlir::bfly::emitPairOfElement(ImplicitLocOpBuilder &b, Value element,
                                    int64_t h) {
  auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, v); };
  int logH = llvm::Log2_64(h);
  // (element / 2h) * h + element % h.
  Value within = arith::AndIOp::create(b, element, index(h - 1));
  Value block = arith::ShRUIOp::create(b, element, index(logH + 1));
  return arith::OrIOp::create(b, arith::ShLIOp::create(b, block, index(logH)),
                              within);
}

func::FuncOp mlir::bfly::createPhaseFunction(ImplicitLocOpBuilder &b,
                                             SymbolTable &symbols,
                                             StringRef name,
                                             func::FuncOp kernel,
                                             Type scratchType) {
  b.setInsertionPoint(kernel);
  FunctionType kernelType = kernel.getFunctionType();
  Type index = b.getIndexType();
  auto phaseFunction = func::FuncOp::create(
      b, (name + ".phase").str(),
      b.getFunctionType({kernelType.getInput(0), kernelType.getInput(1),
                         scratchType, scratchType, index, index, index},
                        {}));
  symbols.insert(phaseFunction);
  b.setInsertionPointToStart(phaseFunction.addEntryBlock());
  return phaseFunction;
}

void mlir::bfly::emitPhaseSwitch(ImplicitLocOpBuilder &b, Value phase,
                                 int64_t phases,
                                 function_ref<void(int64_t)> lowerPhase) {
  SmallVector<int64_t> cases;
  for (int64_t p = 0; p < phases; ++p)
    cases.push_back(p);
  auto dispatch =
      scf::IndexSwitchOp::create(b, TypeRange{}, phase, cases, phases);
  b.setInsertionPointToStart(&dispatch.getDefaultRegion().emplaceBlock());
  scf::YieldOp::create(b);
  for (int64_t p = 0; p < phases; ++p) {
    b.setInsertionPointToStart(&dispatch.getCaseRegions()[p].emplaceBlock());
    lowerPhase(p);
    scf::YieldOp::create(b);
  }
  b.setInsertionPointAfter(dispatch);
}

SmallVector<NamedAttribute> mlir::bfly::callPhasesInOrder(
    ImplicitLocOpBuilder &b, func::FuncOp phaseFunction, ValueRange buffers,
    int64_t phases, int64_t scratchBytes, int64_t secondAt) {
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, v).getResult();
  };
  for (int64_t p = 0; p < phases; ++p) {
    SmallVector<Value, 7> operands(buffers);
    operands.append({index(p), index(0), index(1)});
    func::CallOp::create(b, phaseFunction, operands);
  }
  return {
      b.getNamedAttr("phases", b.getI64IntegerAttr(phases)),
      b.getNamedAttr("phase_function",
                     FlatSymbolRefAttr::get(phaseFunction.getNameAttr())),
      b.getNamedAttr("phase_scratch_bytes", b.getI64IntegerAttr(scratchBytes)),
      b.getNamedAttr("phase_scratch_split", b.getI64IntegerAttr(secondAt))};
}
