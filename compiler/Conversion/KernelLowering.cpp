//===- KernelLowering.cpp - what every bfly kernel lowering shares --------===//
#include "compiler/Conversion/KernelLowering.h"

#include "compiler/Conversion/Passes.h"
#include "dialect/IR/BflyOps.h"

#include <complex>

using namespace mlir;
using namespace mlir::bfly;

bool mlir::bfly::isTransform(func::FuncOp func) {
  FunctionType type = func.getFunctionType();
  return !func.isExternal() && type.getNumInputs() == 1 &&
         type.getNumResults() == 1 && isa<RankedTensorType>(type.getInput(0)) &&
         isa<RankedTensorType>(type.getResult(0));
}

bool mlir::bfly::isComplexVector(Type type) {
  return isa<ComplexType>(cast<RankedTensorType>(type).getElementType());
}

FailureOr<SmallVector<Operation *>> mlir::bfly::linearChain(func::FuncOp func) {
  SmallVector<Operation *> chain;
  Value current = func.getArgument(0);
  for (Operation &op : func.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      if (ret.getNumOperands() != 1 || ret.getOperand(0) != current)
        return ret.emitOpError("must return the end of the bfly chain");
      return chain;
    }
    if (!isa<BflyDialect>(op.getDialect()) || op.getNumOperands() != 1 ||
        op.getOperand(0) != current)
      return op.emitOpError(
          "is not part of a linear chain of bfly ops from the argument");
    chain.push_back(&op);
    current = op.getResult(0);
  }
  return func.emitOpError("has no return");
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

Value mlir::bfly::constantGlobal(ImplicitLocOpBuilder &b, SymbolTable &symbols,
                                 StringRef prefix, DenseElementsAttr values) {
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
  return memref::GetGlobalOp::create(b, type, op.getSymName());
}

void mlir::bfly::emitLoop(ImplicitLocOpBuilder &b, int64_t count, int64_t step,
                          function_ref<void(Value)> body) {
  auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, v); };
  scf::ForOp::create(b, index(0), index(count), index(step), ValueRange{},
                     [&](OpBuilder &nested, Location, Value iv, ValueRange) {
                       OpBuilder::InsertionGuard guard(b);
                       b.setInsertionPoint(nested.getInsertionBlock(),
                                           nested.getInsertionPoint());
                       body(iv);
                       scf::YieldOp::create(b);
                     });
}

KernelSignature mlir::bfly::kernelSignature(func::FuncOp transform) {
  FunctionType type = transform.getFunctionType();
  auto input = cast<RankedTensorType>(type.getInput(0));
  Type scalar = input.getElementType();
  if (auto complex = dyn_cast<ComplexType>(scalar))
    scalar = complex.getElementType();
  return {input.getDimSize(0), isComplexVector(input),
          isComplexVector(type.getResult(0)), scalar};
}

func::FuncOp mlir::bfly::createKernel(ImplicitLocOpBuilder &b,
                                      SymbolTable &symbols,
                                      func::FuncOp transform,
                                      const KernelSignature &s) {
  b.setInsertionPoint(transform);
  auto in = MemRefType::get({s.complexIn ? 2 * s.n : s.n}, s.scalar);
  auto out = MemRefType::get({s.complexOut ? 2 * s.n : s.n}, s.scalar);
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

static int64_t countNonzero(DenseElementsAttr attr) {
  int64_t count = 0;
  for (const APFloat &v : flatten(attr))
    count += v.isZero() ? 0 : 1;
  return count;
}

/// "key=value; key=value" from the model's provenance dictionary.
static std::string provenanceString(func::FuncOp func) {
  std::string text;
  if (auto dict = func->getAttrOfType<DictionaryAttr>("bfly.provenance"))
    for (NamedAttribute entry : dict) {
      auto value = dyn_cast<StringAttr>(entry.getValue());
      text += (text.empty() ? "" : "; ") + entry.getName().str() + "=" +
              (value ? value.str() : std::string("?"));
    }
  return text;
}

LogicalResult mlir::bfly::finishKernel(ImplicitLocOpBuilder &b,
                                       SymbolTable &symbols,
                                       func::FuncOp transform,
                                       func::FuncOp kernel,
                                       ArrayRef<Operation *> chain) {
  int64_t n = kernelSignature(transform).n, flops = 0, nonzeroTwiddles = 0;
  for (Operation *op : chain) {
    bool complex = isComplexVector(op->getResult(0).getType());
    if (auto stage = dyn_cast<StageOp>(op)) {
      // Per pair: four products and two sums.
      flops += n / 2 * (4 * multiplyFlops(complex) + 2 * addFlops(complex));
      nonzeroTwiddles += countNonzero(stage.getTwiddles());
    } else if (isa<DiagOp>(op)) {
      flops += n * multiplyFlops(complex);
    }
  }
  FunctionType type = transform.getFunctionType();
  auto elementOf = [](Type t) {
    return TypeAttr::get(cast<RankedTensorType>(t).getElementType());
  };
  SmallVector<NamedAttribute> info = {
      b.getNamedAttr("name", b.getStringAttr(transform.getName())),
      b.getNamedAttr("n", b.getI64IntegerAttr(n)),
      b.getNamedAttr("input", elementOf(type.getInput(0))),
      b.getNamedAttr("output", elementOf(type.getResult(0))),
      b.getNamedAttr("flops", b.getI64IntegerAttr(flops)),
      b.getNamedAttr("nonzero_twiddles", b.getI64IntegerAttr(nonzeroTwiddles)),
      b.getNamedAttr("provenance",
                     b.getStringAttr(provenanceString(transform)))};
  kernel->setAttr(kKernelAttrName, b.getDictionaryAttr(info));

  StringAttr name = transform.getSymNameAttr();
  symbols.erase(transform);
  if (failed(symbols.rename(kernel, name)))
    return kernel.emitOpError("cannot take the transform's name");
  return success();
}
