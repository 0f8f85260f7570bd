//===- CompressionExperiment.cpp - the paper's compression experiment ----===//
#include "experiments/CompressionExperiment.h"

#include "bench/Benchmark.h"
#include "bench/Gnuplot.h"
#include "compiler/Jit/FactorizationJit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>

namespace bfly {

//===----------------------------------------------------------------------===//
// Serving
//===----------------------------------------------------------------------===//

ServedClassifier ServedClassifier::compile(Network<float> &network) {
  ServedClassifier served;
  auto &layers = network.layers();
  auto *butterfly = layers.size() == 4
                        ? dynamic_cast<ButterflyLayer<float> *>(layers[0].get())
                        : nullptr;
  if (!butterfly) {
    served.error_ = "the network's hidden layer is not a butterfly";
    return served;
  }
  butterfly->hardenPermutations();
  Jit jit = Jit::create();
  served.hidden_ = jitCompile(jit, butterfly->toFactorization(Precision::F32));
  if (!served.hidden_) {
    served.error_ = served.hidden_.error();
    return served;
  }
  served.bias_ = layers[1]->parameters()[0].value;
  std::vector<Parameter<float>> &output = layers[3]->parameters();
  int64_t n = served.bias_.size();
  served.output_ = Eigen::Map<Matrix<float>>(output[0].value.data(),
                                             output[1].value.size(), n);
  served.outputBias_ = output[1].value;
  return served;
}

Matrix<float> ServedClassifier::logits(const Matrix<float> &x) {
  // Columns are contiguous vectors: the kernel's batch layout.
  hiddenOut_.resize(x.rows(), x.cols());
  hidden_.apply(x.data(), hiddenOut_.data(), x.cols());
  hiddenOut_ = (hiddenOut_.colwise() + bias_).cwiseMax(0.0f);
  Matrix<float> result = output_ * hiddenOut_;
  result.colwise() += outputBias_;
  return result;
}

std::vector<int> ServedClassifier::predict(const Matrix<float> &x) {
  Matrix<float> z = logits(x);
  std::vector<int> classes(z.cols());
  for (int64_t b = 0; b < z.cols(); ++b)
    z.col(b).maxCoeff(&classes[b]);
  return classes;
}

//===----------------------------------------------------------------------===//
// The experiment
//===----------------------------------------------------------------------===//

namespace {

struct LayerResult {
  std::string kind;
  int64_t parameters = 0;
  double learningRate = 0;
  std::vector<double> testAccuracy; ///< per seed
  std::vector<EpochRecord> curve;   ///< seed 0
  double trainSeconds = 0;          ///< per seed, mean
};

double mean(const std::vector<double> &v) {
  double sum = 0;
  for (double x : v)
    sum += x;
  return v.empty() ? 0 : sum / double(v.size());
}

double spread(const std::vector<double> &v) {
  if (v.size() < 2)
    return 0;
  double m = mean(v), sum = 0;
  for (double x : v)
    sum += (x - m) * (x - m);
  return std::sqrt(sum / double(v.size() - 1));
}

Dataset firstExamples(const Dataset &data, int64_t limit) {
  if (limit <= 0 || limit >= data.size())
    return data;
  std::vector<int64_t> indices(limit);
  for (int64_t i = 0; i < limit; ++i)
    indices[i] = i;
  return data.subset(indices);
}

bool writePlot(const std::vector<LayerResult> &results, const std::string &path,
               std::string &message) {
  std::ostringstream data, script;
  size_t epochs = 0;
  for (const LayerResult &r : results)
    epochs = std::max(epochs, r.curve.size());
  data << "epoch";
  for (const LayerResult &r : results)
    data << ' ' << r.kind;
  data << '\n';
  for (size_t e = 0; e < epochs; ++e) {
    data << e + 1;
    for (const LayerResult &r : results)
      data << ' '
           << (e < r.curve.size() ? 100 * r.curve[e].validationAccuracy : NAN);
    data << '\n';
  }
  script << "set title 'Fashion-MNIST: validation accuracy by epoch "
            "(seed 0)'\n"
         << "set xlabel 'epoch'\nset ylabel 'validation accuracy (%)'\n"
         << "set key bottom right\nset grid\n"
         << "plot for [i=2:" << results.size() + 1
         << "] data using 1:i with linespoints title columnheader(i)\n";
  return drawPng(path, 900, 600, data.str(), script.str(), message);
}

} // namespace

int runCompressionExperiment(const CompressionOptions &options,
                             std::ostream &out) {
  auto say = [&](const std::string &line) { out << line << std::endl; };
  Dataset all, test, train, validation;
  std::string error;
  if (!loadMnistStyle(options.dataDir, 1024, all, test, error)) {
    say("error: " + error +
        (options.dataDir == kFashionMnistDir
             ? " (install Debian's dataset-fashion-mnist)"
             : ""));
    return 1;
  }
  all = firstExamples(all, options.trainLimit);
  test = firstExamples(test, options.testLimit);
  splitValidation(all, options.validationFraction, 0, train, validation);
  if (options.standardize)
    standardize(train, {&validation, &test});
  out << "data: " << train.size() << " training, " << validation.size()
      << " validation, " << test.size() << " test examples (" << options.dataDir
      << "), inputs padded 784 -> 1024\n";

  std::vector<LayerResult> results;
  std::optional<Network<float>> butterflyNetwork;
  for (const std::string &kind : options.layers) {
    LayerResult result;
    result.kind = kind;
    if (!makeClassifier(kind, 1024, 10, 0)) {
      say("error: unknown hidden layer '" + kind + "'");
      return 1;
    }
    // The learning rate: the best validation accuracy after a short run.
    double bestAccuracy = -1;
    for (double rate : options.learningRates) {
      Network<float> network = *makeClassifier(kind, 1024, 10, 0);
      TrainOptions train1;
      train1.epochs = options.searchEpochs;
      train1.learningRate = rate;
      std::vector<EpochRecord> curve =
          trainClassifier(network, train, validation, train1);
      bool diverged = curve.empty() || !std::isfinite(curve.back().trainLoss);
      double reached = diverged ? 0 : curve.back().validationAccuracy;
      char line[160];
      if (diverged)
        std::snprintf(line, sizeof line, "%s: learning rate %g: diverged",
                      kind.c_str(), rate);
      else
        std::snprintf(line, sizeof line,
                      "%s: learning rate %g: validation %.2f%% after %d "
                      "epochs",
                      kind.c_str(), rate, 100 * reached, options.searchEpochs);
      say(line);
      if (reached > bestAccuracy) {
        bestAccuracy = reached;
        result.learningRate = rate;
      }
    }
    for (int seed = 0; seed < options.seeds; ++seed) {
      Network<float> network = *makeClassifier(kind, 1024, 10, seed);
      result.parameters = network.parameterCount();
      TrainOptions run;
      run.epochs = options.epochs;
      run.learningRate = result.learningRate;
      run.stepDecay = options.stepDecay;
      run.seed = uint64_t(seed);
      run.progress = [&](const std::string &line) {
        say(kind + " seed " + std::to_string(seed) + ": " + line);
      };
      std::vector<EpochRecord> curve =
          trainClassifier(network, train, validation, run);
      result.trainSeconds += curve.empty() ? 0 : curve.back().seconds;
      result.testAccuracy.push_back(accuracy(network, test));
      if (seed == 0) {
        result.curve = curve;
        if (kind.rfind("butterfly", 0) == 0 || kind == "bpbp" ||
            kind == "paper")
          if (!butterflyNetwork)
            butterflyNetwork = std::move(network);
      }
    }
    result.trainSeconds /= std::max(1, options.seeds);
    results.push_back(result);
  }

  int64_t denseParameters = 0;
  for (const LayerResult &r : results)
    if (r.kind == "dense")
      denseParameters = r.parameters;
  out << "\n| hidden layer | parameters (whole network) | fewer than dense "
         "| learning rate | test accuracy, mean +- sd over "
      << options.seeds << " seeds | per seed | train s/seed |\n"
      << "| --- | --- | --- | --- | --- | --- | --- |\n";
  for (const LayerResult &r : results) {
    char line[256];
    std::ostringstream seeds;
    for (double a : r.testAccuracy)
      seeds << (seeds.tellp() ? ", " : "") << std::fixed << std::setprecision(2)
            << 100 * a;
    std::snprintf(
        line, sizeof line,
        "| %s | %lld | %s | %g | %.2f%% +- %.2f | %s | %.0f |\n",
        r.kind.c_str(), (long long)r.parameters,
        denseParameters
            ? (std::to_string(double(denseParameters) / double(r.parameters))
                   .substr(0, 5) +
               "x")
                  .c_str()
            : "-",
        r.learningRate, 100 * mean(r.testAccuracy),
        100 * spread(r.testAccuracy), seeds.str().c_str(), r.trainSeconds);
    out << line;
  }

  if (!options.csvPath.empty()) {
    std::ofstream csv(options.csvPath + ".tmp");
    csv << "layer,parameters,learning_rate,seed,test_accuracy\n";
    for (const LayerResult &r : results)
      for (size_t s = 0; s < r.testAccuracy.size(); ++s)
        csv << r.kind << ',' << r.parameters << ',' << r.learningRate << ','
            << s << ',' << r.testAccuracy[s] << '\n';
    csv.close();
    if (!csv || std::rename((options.csvPath + ".tmp").c_str(),
                            options.csvPath.c_str()) != 0) {
      say("error: cannot write '" + options.csvPath + "'");
      return 1;
    }
  }
  if (!options.plotPath.empty() &&
      !writePlot(results, options.plotPath, error)) {
    say("error: " + error);
    return 1;
  }

  if (!butterflyNetwork) {
    out << "\n(no butterfly layer trained: nothing to compile)\n";
    return 0;
  }
  // Compile the trained butterfly layer and serve the network through it.
  Network<float> &network = *butterflyNetwork;
  ServedClassifier served = ServedClassifier::compile(network);
  if (!served) {
    say("error: compiling the butterfly layer: " + served.error());
    return 1;
  }
  std::vector<int> trained = network.predict(test.images);
  std::vector<int> compiled = served.predict(test.images);
  int64_t differ = 0;
  for (size_t i = 0; i < trained.size(); ++i)
    differ += trained[i] != compiled[i];
  double maxLogit = (served.logits(test.images) - network.forward(test.images))
                        .cwiseAbs()
                        .maxCoeff();
  out << "\nserved: " << served.kernel().descriptor().name << " ("
      << network.layers()[0]->describe() << ") compiled by the JIT; " << differ
      << " of " << trained.size()
      << " test predictions differ from the trained network's (largest "
         "logit difference "
      << maxLogit << ")\n";
  if (differ)
    return 1;
  if (options.saveModel) {
    auto *butterfly =
        dynamic_cast<ButterflyLayer<float> *>(network.layers()[0].get());
    if (!options.saveModel(butterfly->toFactorization(Precision::F32), error)) {
      say("error: " + error);
      return 1;
    }
  }

  // Inference: the served butterfly network against the dense network
  // (Eigen), batch 1 and 64, in this run.
  Network<float> dense = *makeClassifier("dense", 1024, 10, 0);
  BenchOptions timing;
  timing.samples = options.inferenceSamples;
  out << "\n| batch | compiled butterfly network us | dense network "
         "(Eigen) us | dense / butterfly |\n| --- | --- | --- | --- |\n";
  for (int64_t batch : {int64_t(1), int64_t(64)}) {
    Matrix<float> x = test.images.leftCols(std::min(batch, test.size()));
    double fast = medianSecondsPerCall([&] { served.logits(x); }, timing);
    double slow = medianSecondsPerCall([&] { dense.forward(x); }, timing);
    char line[160];
    std::snprintf(line, sizeof line, "| %lld | %.2f | %.2f | %.1fx |\n",
                  (long long)batch, fast * 1e6, slow * 1e6, slow / fast);
    out << line;
  }
  return 0;
}

} // namespace bfly
