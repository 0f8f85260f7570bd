//===- CompressionTest.cpp - the served network is the trained one --------===//
//
// A classifier with each kind of butterfly hidden layer is trained for a few
// steps, its hidden layer compiled by the JIT, and the served network's
// predictions and logits compared with the training-time forward pass.
//
//===----------------------------------------------------------------------===//
#include "experiments/CompressionExperiment.h"

#include <gtest/gtest.h>

namespace bfly {
namespace {

TEST(CompressionTest, ServedPredictionsEqualTheTrainedNetworks) {
  const int64_t n = 1024, count = 200;
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
  Matrix<float> x(n, count);
  std::vector<int> labels(count);
  for (int64_t b = 0; b < count; ++b) {
    for (int64_t i = 0; i < n; ++i)
      x(i, b) = i < 784 ? pixel(rng) : 0.0f; // padded like the images
    labels[b] = int(b % 10);
  }
  for (const char *kind :
       {"butterfly", "butterfly-complex", "butterfly-tied", "bpbp",
        "butterfly-learned"}) {
    Network<float> network = *makeClassifier(kind, n, 10, 1);
    Sgd<float> sgd(network, 0.03, 0.9);
    for (int step = 0; step < 4; ++step) {
      std::vector<int> batch(labels.begin(), labels.begin() + 50);
      network.loss(x.leftCols(50), batch, /*train=*/true);
      sgd.step();
    }
    ServedClassifier served = ServedClassifier::compile(network);
    ASSERT_TRUE(served) << kind << ": " << served.error();
    Matrix<float> want = network.forward(x), got = served.logits(x);
    EXPECT_LT((got - want).cwiseAbs().maxCoeff(), 1e-4 * want.norm()) << kind;
    EXPECT_EQ(served.predict(x), network.predict(x)) << kind;
  }
}

TEST(CompressionTest, OnlyAButterflyHiddenLayerCanBeServed) {
  Network<float> dense = *makeClassifier("dense", 64, 10, 1);
  ServedClassifier served = ServedClassifier::compile(dense);
  EXPECT_FALSE(served);
  EXPECT_EQ(served.error(), "the network's hidden layer is not a butterfly");
  EXPECT_FALSE(makeClassifier("no-such-layer", 64, 10, 1));
}

} // namespace
} // namespace bfly
