//===- NetworkTest.cpp - layers' gradients, models, training --------------===//
//
// Every layer's backward pass against central finite differences of the
// loss (in double), the butterfly layer's forward pass against its exported
// model's dense evaluator (Factorization::toDense, sparse matrix products),
// and training's determinism and progress on a small task.
//
//===----------------------------------------------------------------------===//
#include "compiler/Train/Network.h"

#include <gtest/gtest.h>

#include <functional>

namespace bfly {
namespace {

using LayerMaker =
    std::function<std::unique_ptr<Layer<double>>(std::mt19937_64 &)>;

/// dense(n -> n), the layer, relu, dense(n -> 3): the first dense layer's
/// gradient checks the layer's dx as well.
Network<double> sandwich(int64_t n, const LayerMaker &make, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Network<double> network;
  network.add(makeDense<double>(n, n, true, rng));
  network.add(make(rng));
  network.add(makeRelu<double>());
  network.add(makeDense<double>(n, 3, true, rng));
  return network;
}

/// The largest relative difference between the analytic gradient and
/// central differences over every parameter.
double gradientError(Network<double> &network, const Matrix<double> &x,
                     const std::vector<int> &labels) {
  network.loss(x, labels, /*train=*/true);
  double worst = 0;
  for (auto &layer : network.layers())
    for (Parameter<double> &p : layer->parameters())
      for (int64_t i = 0; i < p.value.size(); ++i) {
        double saved = p.value[i], h = 1e-6;
        p.value[i] = saved + h;
        double up = network.loss(x, labels, false);
        p.value[i] = saved - h;
        double down = network.loss(x, labels, false);
        p.value[i] = saved;
        double numeric = (up - down) / (2 * h);
        double analytic = p.gradient[i];
        worst = std::max(worst, std::abs(numeric - analytic) /
                                    std::max(1e-4, std::abs(numeric)));
      }
  return worst;
}

struct Case {
  std::string name;
  LayerMaker make;
};

std::vector<Case> layerCases(int64_t n) {
  std::vector<Case> cases = {
      {"dense", [=](auto &rng) { return makeDense<double>(n, n, true, rng); }},
      {"bias", [=](auto &) { return makeBias<double>(n); }},
      {"low-rank", [=](auto &rng) { return makeLowRank<double>(n, 2, rng); }},
      {"circulant", [=](auto &rng) { return makeCirculant<double>(n, rng); }}};
  for (int blocks : {1, 2})
    for (bool complex : {false, true})
      for (bool tied : {false, true})
        for (bool learned : {false, true}) {
          ButterflyLayerOptions o{blocks, complex, tied, learned};
          cases.push_back(
              {"butterfly blocks=" + std::to_string(blocks) + " complex=" +
                   std::to_string(complex) + " tied=" + std::to_string(tied) +
                   " learned=" + std::to_string(learned),
               [=](auto &rng) {
                 auto layer =
                     std::make_unique<ButterflyLayer<double>>(n, o, rng);
                 // Logits away from 0, where relaxed and taken differ.
                 for (Parameter<double> &p : layer->parameters())
                   if (p.name.find("logits") != std::string::npos)
                     for (int64_t i = 0; i < p.value.size(); ++i)
                       p.value[i] = 0.3 * double(i % 5) - 0.6;
                 return layer;
               }});
        }
  return cases;
}

TEST(NetworkTest, EveryLayersGradientMatchesFiniteDifferences) {
  const int64_t n = 8, batch = 4;
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  Matrix<double> x(n, batch);
  for (int64_t i = 0; i < x.size(); ++i)
    x.data()[i] = normal(rng);
  std::vector<int> labels = {0, 2, 1, 2};
  for (const Case &c : layerCases(n)) {
    Network<double> network = sandwich(n, c.make, 11);
    EXPECT_LT(gradientError(network, x, labels), 1e-5) << c.name;
  }
}

TEST(NetworkTest, ButterflyLayersComputeTheirExportedModel) {
  const int64_t n = 16, batch = 5;
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  Matrix<double> x(n, batch);
  for (int64_t i = 0; i < x.size(); ++i)
    x.data()[i] = normal(rng);
  for (int blocks : {1, 2})
    for (bool complex : {false, true})
      for (bool tied : {false, true})
        for (bool learned : {false, true}) {
          ButterflyLayer<double> layer(
              n, {blocks, complex, tied, learned, /*bitReverse=*/!tied}, rng);
          for (Parameter<double> &p : layer.parameters())
            if (p.name.find("logits") != std::string::npos)
              for (int64_t i = 0; i < p.value.size(); ++i)
                p.value[i] = normal(rng);
          layer.hardenPermutations();
          Matrix<double> y;
          layer.forward(x, y);
          Factorization model = layer.toFactorization(Precision::F64);
          ASSERT_FALSE(model.validate()) << *model.validate();
          Eigen::MatrixXd want = (model.toDense() * x.cast<Complex>()).real();
          EXPECT_LT((y - want).norm(), 1e-12 * want.norm()) << layer.describe();
        }
}

/// Two classes of points on either side of a hyperplane.
void separableTask(int64_t n, int64_t count, uint64_t seed, Matrix<float> &x,
                   std::vector<int> &labels) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  x.resize(n, count);
  labels.resize(count);
  for (int64_t b = 0; b < count; ++b) {
    for (int64_t i = 0; i < n; ++i)
      x(i, b) = normal(rng);
    labels[b] = x.col(b).head(n / 2).sum() > x.col(b).tail(n / 2).sum();
  }
}

Network<float> butterflyClassifier(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Network<float> network;
  network.add(
      std::make_unique<ButterflyLayer<float>>(n, ButterflyLayerOptions{}, rng));
  network.add(makeBias<float>(n));
  network.add(makeRelu<float>());
  network.add(makeDense<float>(n, 2, true, rng));
  return network;
}

TEST(NetworkTest, TrainingLearnsAndIsDeterministicForASeed) {
  const int64_t n = 32;
  Matrix<float> x;
  std::vector<int> labels;
  separableTask(n, 400, 1, x, labels);
  auto train = [&](uint64_t seed) {
    Network<float> network = butterflyClassifier(n, seed);
    Sgd<float> sgd(network, 0.05, 0.9);
    double first = network.loss(x, labels, false);
    for (int epoch = 0; epoch < 30; ++epoch)
      for (int64_t b = 0; b + 50 <= x.cols(); b += 50) {
        std::vector<int> batch(labels.begin() + b, labels.begin() + b + 50);
        network.loss(x.middleCols(b, 50), batch, true);
        sgd.step();
      }
    double last = network.loss(x, labels, false);
    std::vector<int> predicted = network.predict(x);
    int correct = 0;
    for (size_t i = 0; i < labels.size(); ++i)
      correct += predicted[i] == labels[i];
    return std::make_tuple(first, last, correct,
                           network.layers()[0]->parameters()[0].value);
  };
  auto [first, last, correct, stage] = train(7);
  EXPECT_LT(last, 0.5 * first);
  EXPECT_GT(correct, 380); // of 400
  auto [first2, last2, correct2, stage2] = train(7);
  EXPECT_EQ(last, last2);
  EXPECT_EQ(stage, stage2);
  auto [first3, last3, correct3, stage3] = train(8);
  EXPECT_NE(stage, stage3);
}

TEST(NetworkTest, ParameterCountsAreTheLayersSizes) {
  std::mt19937_64 rng(1);
  EXPECT_EQ(makeDense<float>(1024, 10, true, rng)->parameterCount(), 10250);
  EXPECT_EQ(makeLowRank<float>(1024, 10, rng)->parameterCount(), 20480);
  EXPECT_EQ(makeCirculant<float>(1024, rng)->parameterCount(), 1024);
  // Untied real BP: 10 stages of 512 matrices of 4; tied: 1023 matrices.
  EXPECT_EQ(ButterflyLayer<float>(1024, {}, rng).parameterCount(), 20480);
  EXPECT_EQ(ButterflyLayer<float>(1024, {1, false, true, false}, rng)
                .parameterCount(),
            4092);
  // Complex, learned permutation (3 logits for each of 9 levels), BPBP.
  EXPECT_EQ(
      ButterflyLayer<float>(1024, {2, true, false, true}, rng).parameterCount(),
      2 * (2 * 20480 + 27));
}

} // namespace
} // namespace bfly
