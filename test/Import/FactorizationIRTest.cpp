//===- FactorizationIRTest.cpp - Factorization <-> bfly IR round trip -----===//
#include "compiler/Import/FactorizationIR.h"
#include "compiler/Driver/Compiler.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <random>

namespace bfly {
namespace {

/// Every field of two models, exactly.
void expectIdentical(const Factorization &a, const Factorization &b) {
  ASSERT_EQ(a.n, b.n);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.realInput, b.realInput);
  EXPECT_EQ(a.realOutput, b.realOutput);
  EXPECT_EQ(a.provenance, b.provenance);
  ASSERT_EQ(a.factors.size(), b.factors.size());
  for (size_t i = 0; i < a.factors.size(); ++i) {
    ASSERT_EQ(a.factors[i].index(), b.factors[i].index()) << "factor " << i;
    if (const auto *stage = std::get_if<Stage>(&a.factors[i])) {
      const auto &other = std::get<Stage>(b.factors[i]);
      EXPECT_EQ(stage->stride, other.stride);
      EXPECT_EQ(stage->twiddles, other.twiddles) << "factor " << i;
    } else if (const auto *perm = std::get_if<Permutation>(&a.factors[i])) {
      EXPECT_EQ(perm->table(a.n),
                std::get<Permutation>(b.factors[i]).table(b.n));
      EXPECT_EQ(perm->name, std::get<Permutation>(b.factors[i]).name);
    } else {
      EXPECT_EQ(std::get<Diagonal>(a.factors[i]).values,
                std::get<Diagonal>(b.factors[i]).values);
    }
  }
}

/// A model using every kind of factor, with random constants.
Factorization everyFactorModel(ElementType type, bool realIO, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  auto number = [&] {
    return type.field == Field::Complex ? Complex(normal(rng), normal(rng))
                                        : Complex(normal(rng), 0.0);
  };
  Factorization model;
  model.n = 8;
  model.type = type;
  model.realInput = model.realOutput = realIO;
  model.provenance = {{"target", "random"}, {"seed", std::to_string(seed)}};
  model.factors.push_back(Permutation{NamedPermutation::EvenOdd, 4, {}});
  Stage untied{2, {}};
  for (int i = 0; i < 16; ++i)
    untied.twiddles.push_back(number());
  model.factors.push_back(untied);
  Stage tied{4, {}};
  for (int i = 0; i < 16; ++i)
    tied.twiddles.push_back(number());
  model.factors.push_back(tied);
  model.factors.push_back(
      Permutation{std::nullopt, 0, {7, 6, 5, 4, 0, 1, 2, 3}});
  Diagonal diag;
  for (int i = 0; i < 8; ++i)
    diag.values.push_back(number());
  model.factors.push_back(diag);
  model.factors.push_back(
      Permutation{NamedPermutation::ReverseSecondHalf, 8, {}});
  model.roundToPrecision();
  return model;
}

/// Model -> IR -> text -> IR -> model.
Factorization roundTrip(const Factorization &model) {
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  auto module = factorizationToModule(context, model, "t");
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  auto parsed = mlir::parseSourceString<mlir::ModuleOp>(text, &context);
  EXPECT_TRUE(parsed) << text;
  auto func = getModelTransform(*parsed);
  EXPECT_TRUE(mlir::succeeded(func));
  mlir::FailureOr<Factorization> back = transformToFactorization(*func);
  EXPECT_TRUE(mlir::succeeded(back)) << text;
  return *back;
}

TEST(FactorizationIRTest, ExactModelsRoundTripExactly) {
  for (Precision precision : {Precision::F32, Precision::F64}) {
    Factorization dft =
        Factorization::dft(64, false, Normalization::Unitary, precision);
    expectIdentical(dft, roundTrip(dft));
  }
  for (ElementType type : ElementType::all()) {
    Factorization hadamard = Factorization::hadamard(32, type);
    expectIdentical(hadamard, roundTrip(hadamard));
  }
}

TEST(FactorizationIRTest, EveryFactorKindRoundTripsExactly) {
  for (ElementType type : ElementType::all()) {
    Factorization model = everyFactorModel(type, false, 1);
    expectIdentical(model, roundTrip(model));
  }
  for (Precision precision : {Precision::F32, Precision::F64}) {
    Factorization model =
        everyFactorModel({Field::Complex, precision}, true, 2);
    expectIdentical(model, roundTrip(model));
  }
}

/// A context with the compiler's dialects that keeps the last diagnostic.
struct DiagnosedContext {
  DiagnosedContext() : context(registry()) {
    context.getDiagEngine().registerHandler([&](mlir::Diagnostic &diag) {
      error = diag.str();
      return mlir::success();
    });
  }
  static mlir::DialectRegistry registry() {
    mlir::DialectRegistry registry;
    registerCompilerDialects(registry);
    return registry;
  }
  mlir::OwningOpRef<mlir::ModuleOp> parse(const char *text) {
    return mlir::parseSourceString<mlir::ModuleOp>(text, &context);
  }

  mlir::MLIRContext context;
  std::string error;
};

/// The chain rule belongs to bfly.transform's verifier: a body that is not
/// one chain never reaches the importer.
TEST(FactorizationIRTest, NonChainBodiesAreRefusedByTheVerifier) {
  DiagnosedContext c;
  auto module = c.parse(R"mlir(
    bfly.transform @t(%x: tensor<2xf32>) -> tensor<2xf32> {
      %a = bfly.diag %x by dense<[1.0, 2.0]> : tensor<2xf32> : tensor<2xf32>
      %b = bfly.diag %x by dense<[1.0, 2.0]> : tensor<2xf32> : tensor<2xf32>
      bfly.return %b : tensor<2xf32>
    })mlir");
  EXPECT_FALSE(module);
  EXPECT_EQ(c.error, "'bfly.diag' op must take the previous factor's result: "
                     "a transform is one chain from its argument");
}

/// A model file is one transform: anything beside it is refused by name.
TEST(FactorizationIRTest, ModelFilesHoldOnlyATransform) {
  DiagnosedContext c;
  auto module = c.parse(R"mlir(
    func.func private @f(tensor<2xf32>) -> tensor<2xf32>
    bfly.transform @t(%x: tensor<2xf32>) -> tensor<2xf32> {
      bfly.return %x : tensor<2xf32>
    })mlir");
  ASSERT_TRUE(module);
  EXPECT_TRUE(mlir::failed(getModelTransform(*module)));
  EXPECT_EQ(c.error, "a model file holds one bfly.transform and nothing "
                     "else, found 'func.func'");
}

} // namespace
} // namespace bfly
