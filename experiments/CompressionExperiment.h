//===- CompressionExperiment.h - the paper's compression experiment -*- C++
//-*-===//
//
// Trains the single-hidden-layer classifier with each hidden layer kind on
// (Fashion-)MNIST under the paper's recipe (SGD, momentum 0.9, batch 50,
// the learning rate chosen on a 15% validation split, several seeds),
// reports test accuracy and parameter counts, then compiles the trained
// butterfly layer with bfly's JIT and serves the whole network through the
// kernel: its predictions are checked against the training-time forward
// pass and its inference timed next to the dense network's.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_EXPERIMENTS_COMPRESSIONEXPERIMENT_H
#define BFLY_EXPERIMENTS_COMPRESSIONEXPERIMENT_H

#include "bfly/runtime.hpp"
#include "compiler/Train/Classifier.h"

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace bfly {

/// A trained classifier whose hidden layer runs as a compiled bfly kernel;
/// bias, ReLU and the output layer stay in Eigen.
class ServedClassifier {
public:
  /// Compiles the network's butterfly hidden layer (permutations hardened
  /// first) with the JIT; an empty result has error() set.
  static ServedClassifier compile(Network<float> &network);

  explicit operator bool() const { return bool(hidden_); }
  const std::string &error() const { return error_; }
  const Kernel &kernel() const { return hidden_; }

  /// The output layer's logits for a batch (one example per column).
  Matrix<float> logits(const Matrix<float> &x);
  std::vector<int> predict(const Matrix<float> &x);

private:
  Kernel hidden_;
  Vector<float> bias_, outputBias_;
  Matrix<float> output_, hiddenOut_;
  std::string error_;
};

struct CompressionOptions {
  std::string dataDir = kFashionMnistDir;
  std::vector<std::string> layers = {"dense", "butterfly", "low-rank",
                                     "circulant"};
  std::vector<double> learningRates = {0.003, 0.01, 0.03, 0.1};
  int searchEpochs = 2; ///< per learning rate, seed 0
  int epochs = 15;      ///< per seed, at the chosen rate
  int seeds = 3;
  bool stepDecay = false;   ///< see TrainOptions::stepDecay
  bool standardize = false; ///< pixels to mean 0, deviation 1 (train stats)
  int64_t trainLimit = 0;   ///< use only this many training examples (0: all)
  int64_t testLimit = 0;
  double validationFraction = 0.15;
  int inferenceSamples = 31;
  std::string plotPath; ///< a learning-curve PNG (validation accuracy)
  std::string csvPath;  ///< one row per layer kind and seed
  /// Given the trained butterfly layer's model once it is served
  /// correctly (bfly-learn writes it to a model file); false with an error
  /// fails the experiment.
  std::function<bool(const Factorization &, std::string &)> saveModel;
};

/// Runs the experiment, printing progress and tables to `out`; returns 0,
/// or 1 with the reason printed (bad data, a failed compile, predictions
/// of the served network that differ from the trained one's).
int runCompressionExperiment(const CompressionOptions &options,
                             std::ostream &out);

} // namespace bfly

#endif // BFLY_EXPERIMENTS_COMPRESSIONEXPERIMENT_H
