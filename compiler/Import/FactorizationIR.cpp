//===- FactorizationIR.cpp - Factorization <-> bfly IR --------------------===//
#include "compiler/Import/FactorizationIR.h"

#include "dialect/IR/BflyOps.h"
#include "dialect/IR/Constants.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace bfly {

void loadModelDialects(MLIRContext &context) {
  context.loadDialect<mlir::bfly::BflyDialect, func::FuncDialect>();
}

//===----------------------------------------------------------------------===//
// Factorization -> IR
//===----------------------------------------------------------------------===//

namespace {
Type scalarType(MLIRContext &context, Precision precision) {
  return precision == Precision::F32 ? Type(Float32Type::get(&context))
                                     : Type(Float64Type::get(&context));
}

Type elementTypeOf(MLIRContext &context, ElementType type) {
  Type scalar = scalarType(context, type.precision);
  return type.field == Field::Complex ? Type(ComplexType::get(scalar)) : scalar;
}

/// A dense attribute of `shape` holding `values` in `elementType`.
DenseElementsAttr constants(ArrayRef<int64_t> shape, Type elementType,
                            const std::vector<Complex> &values) {
  auto type = RankedTensorType::get(shape, elementType);
  if (auto complex = dyn_cast<ComplexType>(elementType)) {
    if (complex.getElementType().isF32()) {
      std::vector<std::complex<float>> data(values.begin(), values.end());
      return DenseElementsAttr::get(type, ArrayRef(data));
    }
    return DenseElementsAttr::get(type, ArrayRef(values));
  }
  if (elementType.isF32()) {
    std::vector<float> data;
    for (Complex v : values)
      data.push_back(static_cast<float>(v.real()));
    return DenseElementsAttr::get(type, ArrayRef(data));
  }
  std::vector<double> data;
  for (Complex v : values)
    data.push_back(v.real());
  return DenseElementsAttr::get(type, ArrayRef(data));
}

mlir::bfly::PermutationKind toKind(NamedPermutation name) {
  switch (name) {
  case NamedPermutation::BitReverse:
    return mlir::bfly::PermutationKind::BitReverse;
  case NamedPermutation::EvenOdd:
    return mlir::bfly::PermutationKind::EvenOdd;
  case NamedPermutation::ReverseFirstHalf:
    return mlir::bfly::PermutationKind::ReverseFirstHalf;
  case NamedPermutation::ReverseSecondHalf:
    return mlir::bfly::PermutationKind::ReverseSecondHalf;
  }
  return mlir::bfly::PermutationKind::Explicit;
}

/// Emits one op per factor, threading the value through.
struct FactorEmitter {
  OpBuilder &builder;
  Location loc;
  int64_t n;
  Value value;

  Type elementType() const {
    return cast<RankedTensorType>(value.getType()).getElementType();
  }
  Value operator()(const Stage &stage) {
    auto twiddles =
        constants({stage.matrixCount(), 2, 2}, elementType(), stage.twiddles);
    return mlir::bfly::StageOp::create(builder, loc, value, stage.stride,
                                       twiddles);
  }
  Value operator()(const Permutation &perm) {
    IntegerAttr block;
    DenseI64ArrayAttr indices;
    if (perm.name) {
      if (perm.block && perm.block != n)
        block = builder.getI64IntegerAttr(perm.block);
    } else {
      indices = builder.getDenseI64ArrayAttr(perm.indices);
    }
    auto kind =
        perm.name ? toKind(*perm.name) : mlir::bfly::PermutationKind::Explicit;
    return mlir::bfly::PermuteOp::create(builder, loc, value, kind, block,
                                         indices);
  }
  Value operator()(const Diagonal &diag) {
    return mlir::bfly::DiagOp::create(
        builder, loc, value, constants({n}, elementType(), diag.values));
  }
};
} // namespace

OwningOpRef<ModuleOp> factorizationToModule(MLIRContext &context,
                                            const Factorization &model,
                                            StringRef name) {
  loadModelDialects(context);
  Location loc = UnknownLoc::get(&context);
  OpBuilder builder(&context);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  builder.setInsertionPointToEnd(module->getBody());

  Type chainElement = elementTypeOf(context, model.type);
  Type scalar = scalarType(context, model.type.precision);
  auto chainType = RankedTensorType::get({model.n}, chainElement);
  auto realType = RankedTensorType::get({model.n}, scalar);
  Type inputType = model.realInput ? realType : chainType;
  Type outputType = model.realOutput ? realType : chainType;

  auto func = func::FuncOp::create(
      builder, loc, name, builder.getFunctionType({inputType}, {outputType}));
  SmallVector<NamedAttribute> provenance;
  for (const auto &[key, value] : model.provenance)
    provenance.push_back(
        builder.getNamedAttr(key, builder.getStringAttr(value)));
  func->setAttr(kProvenanceAttrName, builder.getDictionaryAttr(provenance));

  builder.setInsertionPointToStart(func.addEntryBlock());
  Value value = func.getArgument(0);
  if (model.realInput)
    value = mlir::bfly::ComplexOp::create(builder, loc, chainType, value);
  FactorEmitter emitter{builder, loc, model.n, value};
  for (const Factor &factor : model.factors)
    emitter.value = std::visit(emitter, factor);
  value = emitter.value;
  if (model.realOutput)
    value = mlir::bfly::RealOp::create(builder, loc, realType, value);
  func::ReturnOp::create(builder, loc, value);
  return module;
}

//===----------------------------------------------------------------------===//
// IR -> Factorization
//===----------------------------------------------------------------------===//

namespace {
std::vector<Complex> readConstants(DenseElementsAttr attr) {
  SmallVector<mlir::bfly::Value64> values = mlir::bfly::valuesOf(attr);
  return {values.begin(), values.end()};
}

std::optional<NamedPermutation> toName(mlir::bfly::PermutationKind kind) {
  if (kind == mlir::bfly::PermutationKind::Explicit)
    return std::nullopt;
  return parseNamedPermutation(
      mlir::bfly::stringifyPermutationKind(kind).str());
}
} // namespace

FailureOr<Factorization> funcToFactorization(func::FuncOp func) {
  FunctionType type = func.getFunctionType();
  if (type.getNumInputs() != 1 || type.getNumResults() != 1)
    return func.emitError("a transform takes one vector and returns one");
  auto inputType = dyn_cast<RankedTensorType>(type.getInput(0));
  if (!inputType || inputType.getRank() != 1)
    return func.emitError("a transform's argument must be a 1-D tensor, got ")
           << type.getInput(0);

  Factorization model;
  model.n = inputType.getDimSize(0);
  if (auto provenance =
          func->getAttrOfType<DictionaryAttr>(kProvenanceAttrName))
    for (NamedAttribute entry : provenance)
      if (auto text = dyn_cast<StringAttr>(entry.getValue()))
        model.provenance[entry.getName().str()] = text.str();

  auto setType = [&](Type element) {
    bool complex = isa<ComplexType>(element);
    Type scalar =
        complex ? cast<ComplexType>(element).getElementType() : element;
    model.type = {complex ? Field::Complex : Field::Real,
                  scalar.isF32() ? Precision::F32 : Precision::F64};
  };
  setType(inputType.getElementType());

  Value current = func.getArgument(0);
  Block &body = func.getBody().front();
  for (Operation &op : body) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      if (ret.getOperand(0) != current)
        return ret.emitError("a transform must return the end of its chain");
      break;
    }
    if (op.getNumOperands() != 1 || op.getOperand(0) != current)
      return op.emitError("a transform must be a linear chain of bfly ops: "
                          "each op takes the previous op's result");
    if (auto stage = dyn_cast<mlir::bfly::StageOp>(op)) {
      model.factors.push_back(Stage{static_cast<int64_t>(stage.getStride()),
                                    readConstants(stage.getTwiddles())});
    } else if (auto perm = dyn_cast<mlir::bfly::PermuteOp>(op)) {
      Permutation p;
      p.name = toName(perm.getKind());
      if (p.name)
        p.block = perm.getBlock().value_or(model.n);
      else
        p.indices.assign(perm.getIndices()->begin(), perm.getIndices()->end());
      model.factors.push_back(std::move(p));
    } else if (auto diag = dyn_cast<mlir::bfly::DiagOp>(op)) {
      model.factors.push_back(Diagonal{readConstants(diag.getDiagonal())});
    } else if (auto complex = dyn_cast<mlir::bfly::ComplexOp>(op)) {
      if (current != func.getArgument(0))
        return op.emitError("'bfly.complex' may only start a transform");
      model.realInput = true;
      setType(complex.getType().getElementType());
    } else if (isa<mlir::bfly::RealOp>(op)) {
      model.realOutput = true;
    } else {
      return op.emitError("not a bfly factor: ") << op.getName();
    }
    current = op.getResult(0);
    if (model.realOutput && !isa<mlir::bfly::RealOp>(op))
      return op.emitError("'bfly.real' may only end a transform");
  }
  if (std::optional<std::string> error = model.validate())
    return func.emitError("invalid model: ") << *error;
  return model;
}

llvm::Error writeModelFile(const Factorization &model, StringRef path,
                           StringRef generatedBy, StringRef name) {
  if (std::optional<std::string> error = model.validate())
    return llvm::createStringError("invalid model: %s", error->c_str());
  MLIRContext context;
  OwningOpRef<ModuleOp> module = factorizationToModule(context, model, name);
  return llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << "// generated by " << generatedBy << "\n";
    module->print(os);
    return llvm::Error::success();
  });
}

FailureOr<func::FuncOp> getTransformFunction(ModuleOp module) {
  SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
  if (funcs.size() != 1) {
    Operation *where = funcs.size() > 1 ? funcs[1] : module.getOperation();
    return where->emitError("a model holds exactly one transform function, "
                            "found ")
           << funcs.size();
  }
  return funcs.front();
}

} // namespace bfly
