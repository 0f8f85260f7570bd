//===- FactorizationIR.cpp - Factorization <-> bfly IR --------------------===//
#include "compiler/Import/FactorizationIR.h"

#include "dialect/IR/BflyOps.h"
#include "dialect/IR/Constants.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace bfly {

void loadModelDialects(MLIRContext &context) {
  context.loadDialect<mlir::bfly::BflyDialect>();
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
    auto kind = perm.name ? mlir::bfly::permutationKindOf(*perm.name)
                          : mlir::bfly::PermutationKind::Explicit;
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
  // The caller's types: the chain's, resized by the model's edges (a
  // real-input DFT takes reals, its inverse gives them).
  auto callerType = [&](bool real, int64_t length) {
    return RankedTensorType::get({length}, real ? scalar : chainElement);
  };
  RankedTensorType inputType =
      callerType(model.realInput || model.spectrum == RealSpectrum::Forward,
                 model.inputLength());
  RankedTensorType outputType =
      callerType(model.realOutput || model.spectrum == RealSpectrum::Backward,
                 model.outputLength());

  auto transform = mlir::bfly::TransformOp::create(
      builder, loc, name, builder.getFunctionType({inputType}, {outputType}));
  SmallVector<NamedAttribute> provenance;
  for (const auto &[key, value] : model.provenance)
    provenance.push_back(
        builder.getNamedAttr(key, builder.getStringAttr(value)));
  transform.setProvenanceAttr(builder.getDictionaryAttr(provenance));

  builder.setInsertionPointToStart(transform.addEntryBlock());
  Value value = transform.getArgument(0);
  if (model.spectrum == RealSpectrum::Forward)
    value = mlir::bfly::PackOp::create(builder, loc, chainType, value);
  if (model.spectrum == RealSpectrum::Backward)
    value = mlir::bfly::PackSpectrumOp::create(builder, loc, chainType, value);
  if (model.paddedFrom)
    value = mlir::bfly::PadOp::create(
        builder, loc, model.realInput ? realType : chainType, value);
  if (model.realInput)
    value = mlir::bfly::ComplexOp::create(builder, loc, chainType, value);
  FactorEmitter emitter{builder, loc, model.n, value};
  for (const Factor &factor : model.factors)
    emitter.value = std::visit(emitter, factor);
  value = emitter.value;
  if (model.realOutput)
    value = mlir::bfly::RealOp::create(builder, loc, realType, value);
  if (model.truncatedTo)
    value = mlir::bfly::TruncateOp::create(builder, loc, outputType, value);
  if (model.spectrum == RealSpectrum::Forward)
    value = mlir::bfly::RealSpectrumOp::create(builder, loc, outputType, value);
  if (model.spectrum == RealSpectrum::Backward)
    value = mlir::bfly::UnpackOp::create(builder, loc, outputType, value);
  mlir::bfly::ReturnOp::create(builder, loc, value);
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

} // namespace

FailureOr<Factorization>
transformToFactorization(mlir::bfly::TransformOp transform) {
  Factorization model;
  model.n = transform.getLength();
  if (DictionaryAttr provenance = transform.getProvenanceAttr())
    for (NamedAttribute entry : provenance)
      model.provenance[entry.getName().str()] =
          cast<StringAttr>(entry.getValue()).str();

  auto setType = [&](Type element) {
    bool complex = isa<ComplexType>(element);
    Type scalar =
        complex ? cast<ComplexType>(element).getElementType() : element;
    model.type = {complex ? Field::Complex : Field::Real,
                  scalar.isF32() ? Precision::F32 : Precision::F64};
  };
  setType(transform.getInputType().getElementType());
  // The verifier has made the body one chain, bfly.complex only first and
  // bfly.real only last: each op is one factor.
  for (Operation *op : transform.getFactors()) {
    if (auto stage = dyn_cast<mlir::bfly::StageOp>(op)) {
      model.factors.push_back(Stage{static_cast<int64_t>(stage.getStride()),
                                    readConstants(stage.getTwiddles())});
    } else if (auto perm = dyn_cast<mlir::bfly::PermuteOp>(op)) {
      Permutation p;
      p.name = mlir::bfly::namedPermutationOf(perm.getKind());
      if (p.name)
        p.block = perm.getBlock().value_or(model.n);
      else
        p.indices.assign(perm.getIndices()->begin(), perm.getIndices()->end());
      model.factors.push_back(std::move(p));
    } else if (auto diag = dyn_cast<mlir::bfly::DiagOp>(op)) {
      model.factors.push_back(Diagonal{readConstants(diag.getDiagonal())});
    } else if (auto complex = dyn_cast<mlir::bfly::ComplexOp>(op)) {
      model.realInput = true;
      setType(complex.getType().getElementType());
    } else if (isa<mlir::bfly::RealOp>(op)) {
      model.realOutput = true;
    } else if (auto pad = dyn_cast<mlir::bfly::PadOp>(op)) {
      model.paddedFrom = pad.getInput().getType().getDimSize(0);
      setType(pad.getType().getElementType());
    } else if (auto truncate = dyn_cast<mlir::bfly::TruncateOp>(op)) {
      model.truncatedTo = truncate.getType().getDimSize(0);
    } else if (auto pack = dyn_cast<mlir::bfly::PackOp>(op)) {
      model.spectrum = RealSpectrum::Forward;
      setType(pack.getType().getElementType());
    } else if (isa<mlir::bfly::PackSpectrumOp>(op)) {
      model.spectrum = RealSpectrum::Backward;
    }
  }
  // Both ends of a real-spectrum chain or neither: a model has no factor
  // for one alone.
  Operation *input = transform.getInputEdge(),
            *output = transform.getOutputEdge();
  bool forward = isa_and_nonnull<mlir::bfly::PackOp>(input);
  bool backward = isa_and_nonnull<mlir::bfly::PackSpectrumOp>(input);
  if (forward != isa_and_nonnull<mlir::bfly::RealSpectrumOp>(output) ||
      backward != isa_and_nonnull<mlir::bfly::UnpackOp>(output))
    return transform.emitError(
        "a bfly model's chain starts with bfly.pack exactly when it ends "
        "with bfly.real_spectrum, and with bfly.pack_spectrum exactly when "
        "it ends with bfly.unpack");
  if (std::optional<std::string> error = model.validate())
    return transform.emitError("invalid model: ") << *error;
  return model;
}

OwningOpRef<ModuleOp> parseModelFile(StringRef path, MLIRContext &context,
                                     llvm::SourceMgr &sourceMgr) {
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (std::error_code error = buffer.getError()) {
    emitError(UnknownLoc::get(&context))
        << "cannot read '" << path << "': " << error.message();
    return nullptr;
  }
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}

llvm::Expected<Factorization> readModelFile(StringRef path,
                                            llvm::raw_ostream &diagnostics) {
  MLIRContext context;
  loadModelDialects(context);
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context, diagnostics);
  auto failed = [&] {
    return llvm::createStringError(
        "reading the model '%s' failed (see the diagnostics above)",
        path.str().c_str());
  };
  OwningOpRef<ModuleOp> module = parseModelFile(path, context, sourceMgr);
  if (!module)
    return failed();
  FailureOr<mlir::bfly::TransformOp> transform = getModelTransform(*module);
  if (mlir::failed(transform))
    return failed();
  FailureOr<Factorization> model = transformToFactorization(*transform);
  if (mlir::failed(model))
    return failed();
  return std::move(*model);
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

FailureOr<mlir::bfly::TransformOp> getModelTransform(ModuleOp module) {
  SmallVector<mlir::bfly::TransformOp> transforms;
  for (Operation &op : *module.getBody()) {
    auto transform = dyn_cast<mlir::bfly::TransformOp>(op);
    if (!transform)
      return op.emitError("a model file holds one bfly.transform and "
                          "nothing else, found '")
             << op.getName() << "'";
    transforms.push_back(transform);
  }
  if (transforms.size() != 1) {
    Operation *where =
        transforms.size() > 1 ? transforms[1] : module.getOperation();
    return where->emitError("a model file holds exactly one bfly.transform, "
                            "found ")
           << transforms.size();
  }
  return transforms.front();
}

} // namespace bfly
