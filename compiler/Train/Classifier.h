//===- Classifier.h - the compression experiment's network, trained -*- C++
//-*-===//
//
// The paper's single-hidden-layer classifier (docs/method.md): input (1024) ->
// hidden structured layer (1024) + bias -> ReLU -> dense (10) + bias, trained
// with softmax cross-entropy and SGD with momentum on minibatches drawn in a
// seeded order, with a progress line per epoch.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_TRAIN_CLASSIFIER_H
#define BFLY_COMPILER_TRAIN_CLASSIFIER_H

#include "compiler/Train/Dataset.h"
#include "compiler/Train/Network.h"

#include <functional>
#include <optional>

namespace bfly {

/// The hidden layers compared: "dense", "butterfly" (real untied BP after a
/// bit reversal), "butterfly-complex", "butterfly-tied", "bpbp",
/// "butterfly-learned" (relaxed learned permutation), "paper" (the paper's:
/// complex BPBP, tied, learned permutations), "butterfly-local" (no
/// permutation: the first stages mix neighbouring pixels), "low-rank" (rank
/// matching the butterfly's parameters), "circulant".
const std::vector<std::string> &hiddenLayerKinds();

/// The network with hidden layer `kind` for n inputs and `classes`
/// outputs; nullopt for an unknown kind.
std::optional<Network<float>> makeClassifier(const std::string &kind, int64_t n,
                                             int classes, uint64_t seed);

struct TrainOptions {
  int epochs = 10;
  int64_t batch = 50;
  double learningRate = 0.01;
  double momentum = 0.9;
  /// Step decay: the rate drops 10x after half and after three quarters
  /// of the epochs (off: constant, as in the paper).
  bool stepDecay = false;
  uint64_t seed = 0; ///< the minibatch order
  /// Called after every epoch with a line of progress.
  std::function<void(const std::string &)> progress;
};

struct EpochRecord {
  int epoch = 0;
  double trainLoss = 0;          ///< mean over the epoch's minibatches
  double validationAccuracy = 0; ///< fraction correct
  double seconds = 0;            ///< since training started
};

/// Trains `network` on `train`, measuring `validation` after every epoch.
std::vector<EpochRecord> trainClassifier(Network<float> &network,
                                         const Dataset &train,
                                         const Dataset &validation,
                                         const TrainOptions &options);

/// The fraction of `data` that `network` classifies correctly.
double accuracy(Network<float> &network, const Dataset &data);

} // namespace bfly

#endif // BFLY_COMPILER_TRAIN_CLASSIFIER_H
