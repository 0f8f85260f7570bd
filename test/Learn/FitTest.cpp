//===- FitTest.cpp - the fit request every caller shares ------------------===//
//
// bfly-learn and the Python package ask for a fit the same way: a method by
// name, its options checked, its provenance and its miss explained once.
//
//===----------------------------------------------------------------------===//
#include "compiler/Learn/Fit.h"

#include <gtest/gtest.h>

namespace bfly {
namespace {

TEST(FitTest, MethodsAreParsedByName) {
  EXPECT_EQ(parseFitMethod("auto"), FitMethod::Auto);
  EXPECT_EQ(parseFitMethod("hierarchical"), FitMethod::Hierarchical);
  EXPECT_EQ(parseFitMethod("spectral"), FitMethod::Spectral);
  EXPECT_EQ(parseFitMethod("gradient"), FitMethod::Gradient);
  EXPECT_FALSE(parseFitMethod("Auto"));
  EXPECT_FALSE(parseFitMethod(""));
}

TEST(FitTest, RequestsAMethodCannotServeAreRefusedWithTheReason) {
  FitOptions options;
  EXPECT_FALSE(fitRequestProblem(FitMethod::Auto, options));
  options.modelClass = "bpq";
  EXPECT_NE(fitRequestProblem(FitMethod::Auto, options)->find("'bpq'"),
            std::string::npos);
  options.modelClass = "bp";
  EXPECT_NE(fitRequestProblem(FitMethod::Spectral, options)->find("bpbp"),
            std::string::npos);
  options.modelClass = "bpbp";
  EXPECT_FALSE(fitRequestProblem(FitMethod::Spectral, options));
  options.decreasingStride = true;
  EXPECT_NE(fitRequestProblem(FitMethod::Spectral, options)->find("increasing"),
            std::string::npos);
}

TEST(FitTest, FitRunsTheMethodAskedFor) {
  Target dft = *makeTarget("dft", 16);
  FitOptions options;
  FitResult hierarchical = fit(FitMethod::Hierarchical, dft, options);
  EXPECT_EQ(hierarchical.method, "hierarchical");
  EXPECT_LE(hierarchical.rmse, options.targetRmse);
  options.modelClass = "bpbp";
  EXPECT_EQ(fit(FitMethod::Spectral, dft, options).method, "spectral");
}

TEST(FitTest, ProvenanceRecordsTheRequestAndTheResult) {
  Target dft = *makeTarget("dft", 8);
  FitOptions options;
  options.precision = Precision::F64;
  options.seed = 7;
  FitResult result = fit(FitMethod::Hierarchical, dft, options);
  auto provenance = fitProvenance(result, options, "dft", 8, "test 1");
  EXPECT_EQ(provenance["target"], "dft");
  EXPECT_EQ(provenance["n"], "8");
  EXPECT_EQ(provenance["method"], "hierarchical");
  EXPECT_EQ(provenance["precision"], "f64");
  EXPECT_EQ(provenance["seed"], "7");
  EXPECT_EQ(provenance["stride"], "increasing");
  EXPECT_EQ(provenance["rmse"], formatRmse(result.rmse));
  EXPECT_EQ(provenance["tool"], "test 1");
}

TEST(FitTest, AMissIsExplainedWithTheCallersKnobNames) {
  Target randn = *makeTarget("randn", 16, 3);
  FitOptions options;
  FitResult result = fit(FitMethod::Hierarchical, randn, options);
  ASSERT_GT(result.rmse, options.targetRmse);
  std::string why =
      notRecoveredReason(result, randn, options, {"target_rmse", "limit"});
  EXPECT_EQ(why.rfind("not recovered: rmse " + formatRmse(result.rmse) +
                          " is above target_rmse 0.0001",
                      0),
            0u)
      << why;
  EXPECT_NE(why.find("(the target's rms is " + formatRmse(rms(randn))),
            std::string::npos);
  EXPECT_EQ(why.find("limit="), std::string::npos); // it did not time out
  result.timedOut = true;
  EXPECT_NE(notRecoveredReason(result, randn, options, {"t", "limit"})
                .find("stopped at limit=120 s"),
            std::string::npos);
}

} // namespace
} // namespace bfly
