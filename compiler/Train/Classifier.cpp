//===- Classifier.cpp - the compression experiment's network, trained -----===//
#include "compiler/Train/Classifier.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace bfly {

const std::vector<std::string> &hiddenLayerKinds() {
  static const std::vector<std::string> kinds = {
      "dense",
      "butterfly",
      "butterfly-complex",
      "butterfly-tied",
      "bpbp",
      "butterfly-learned",
      "paper",
      "butterfly-local",
      "low-rank",
      "circulant",
  };
  return kinds;
}

std::optional<Network<float>> makeClassifier(const std::string &kind, int64_t n,
                                             int classes, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Network<float> network;
  if (kind == "dense") {
    network.add(makeDense<float>(n, n, /*bias=*/false, rng));
  } else if (kind == "butterfly") {
    network.add(std::make_unique<ButterflyLayer<float>>(
        n, ButterflyLayerOptions{}, rng));
  } else if (kind == "butterfly-complex") {
    network.add(std::make_unique<ButterflyLayer<float>>(
        n, ButterflyLayerOptions{1, true, false, false}, rng));
  } else if (kind == "butterfly-tied") {
    network.add(std::make_unique<ButterflyLayer<float>>(
        n, ButterflyLayerOptions{1, false, true, false}, rng));
  } else if (kind == "bpbp") {
    network.add(std::make_unique<ButterflyLayer<float>>(
        n, ButterflyLayerOptions{2, false, false, false}, rng));
  } else if (kind == "butterfly-learned") {
    network.add(std::make_unique<ButterflyLayer<float>>(
        n, ButterflyLayerOptions{1, false, false, true}, rng));
  } else if (kind == "butterfly-local") {
    // No permutation: the first stages mix neighbouring pixels.
    ButterflyLayerOptions local;
    local.bitReverse = false;
    network.add(std::make_unique<ButterflyLayer<float>>(n, local, rng));
  } else if (kind == "paper") {
    // The paper's layer: complex BPBP, tied, learned permutations.
    network.add(std::make_unique<ButterflyLayer<float>>(
        n, ButterflyLayerOptions{2, true, true, true}, rng));
  } else if (kind == "low-rank") {
    // The untied real BP's 2 n log2(n) parameters: rank log2(n).
    network.add(makeLowRank<float>(n, log2Exact(n), rng));
  } else if (kind == "circulant") {
    network.add(makeCirculant<float>(n, rng));
  } else {
    return std::nullopt;
  }
  network.add(makeBias<float>(n));
  network.add(makeRelu<float>());
  network.add(makeDense<float>(n, classes, /*bias=*/true, rng));
  return network;
}

double accuracy(Network<float> &network, const Dataset &data) {
  int64_t correct = 0, chunk = 1000;
  for (int64_t start = 0; start < data.size(); start += chunk) {
    int64_t count = std::min(chunk, data.size() - start);
    std::vector<int> predicted =
        network.predict(data.images.middleCols(start, count));
    for (int64_t i = 0; i < count; ++i)
      correct += predicted[i] == data.labels[start + i];
  }
  return data.size() ? double(correct) / double(data.size()) : 0.0;
}

std::vector<EpochRecord> trainClassifier(Network<float> &network,
                                         const Dataset &train,
                                         const Dataset &validation,
                                         const TrainOptions &options) {
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  Sgd<float> sgd(network, options.learningRate, options.momentum);
  std::mt19937_64 rng(options.seed);
  std::vector<int64_t> order(train.size());
  std::iota(order.begin(), order.end(), 0);
  Matrix<float> batch(train.images.rows(), options.batch);
  std::vector<int> labels(options.batch);
  std::vector<EpochRecord> records;
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    if (options.stepDecay) {
      double rate = options.learningRate;
      if (2 * (epoch - 1) >= options.epochs)
        rate /= 10;
      if (4 * (epoch - 1) >= 3 * options.epochs)
        rate /= 10;
      sgd.setLearningRate(rate);
    }
    std::shuffle(order.begin(), order.end(), rng);
    double lossSum = 0;
    int64_t steps = 0;
    for (int64_t b = 0; b + options.batch <= train.size(); b += options.batch) {
      for (int64_t i = 0; i < options.batch; ++i) {
        batch.col(i) = train.images.col(order[b + i]);
        labels[i] = train.labels[order[b + i]];
      }
      lossSum += network.loss(batch, labels, /*train=*/true);
      sgd.step();
      ++steps;
    }
    EpochRecord record;
    record.epoch = epoch;
    record.trainLoss = steps ? lossSum / double(steps) : 0.0;
    record.validationAccuracy = accuracy(network, validation);
    record.seconds =
        std::chrono::duration<double>(Clock::now() - start).count();
    records.push_back(record);
    if (options.progress) {
      double eta = record.seconds / epoch * (options.epochs - epoch);
      char line[160];
      std::snprintf(line, sizeof line,
                    "epoch %d/%d  loss %.4f  validation %.2f%%  %.1f s  "
                    "ETA %.0f s",
                    epoch, options.epochs, record.trainLoss,
                    100 * record.validationAccuracy, record.seconds, eta);
      options.progress(line);
    }
    if (!std::isfinite(record.trainLoss))
      break; // diverged: this learning rate is out
  }
  return records;
}

} // namespace bfly
