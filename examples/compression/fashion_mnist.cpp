//===- fashion_mnist.cpp - the compression experiment, as a program -------===//
//
//   fashion-mnist [--epochs=E] [--seeds=S] [--search-epochs=K]
//                 [--rates=0.01,0.03] [--layers=dense,butterfly,...]
//                 [--train-limit=N] [--test-limit=N] [--plot=curve.png]
//                 [--csv=results.csv] [--data=DIR] [--step-decay]
//
// Trains the paper's classifier (docs/method.md) with each hidden layer on
// Debian's Fashion-MNIST, prints accuracy and parameter tables, compiles the
// trained butterfly layer and times the served network against the dense one.
//
//===----------------------------------------------------------------------===//
#include "experiments/CompressionExperiment.h"

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

namespace {

bool parseList(const std::string &text, std::vector<std::string> &items) {
  items.clear();
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');)
    items.push_back(item);
  return !items.empty();
}

} // namespace

int main(int argc, char **argv) {
  bfly::CompressionOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char *name, std::string &out) {
      std::string prefix = std::string("--") + name + "=";
      if (arg.rfind(prefix, 0) != 0)
        return false;
      out = arg.substr(prefix.size());
      return true;
    };
    auto number = [&](const std::string &text, long long &out) {
      char *end = nullptr;
      out = std::strtoll(text.c_str(), &end, 10);
      return !text.empty() && *end == '\0' && out >= 0;
    };
    std::string text;
    long long n = 0;
    std::vector<std::string> items;
    if (value("epochs", text) && number(text, n) && n > 0)
      options.epochs = int(n);
    else if (value("seeds", text) && number(text, n) && n > 0)
      options.seeds = int(n);
    else if (value("search-epochs", text) && number(text, n) && n > 0)
      options.searchEpochs = int(n);
    else if (value("train-limit", text) && number(text, n))
      options.trainLimit = n;
    else if (value("test-limit", text) && number(text, n))
      options.testLimit = n;
    else if (value("layers", text) && parseList(text, items))
      options.layers = items;
    else if (value("rates", text) && parseList(text, items)) {
      options.learningRates.clear();
      for (const std::string &rate : items) {
        char *end = nullptr;
        double r = std::strtod(rate.c_str(), &end);
        if (*end != '\0' || !(r > 0)) {
          std::cerr << "fashion-mnist: error: bad learning rate '" << rate
                    << "'\n";
          return 2;
        }
        options.learningRates.push_back(r);
      }
    } else if (arg == "--step-decay")
      options.stepDecay = true;
    else if (arg == "--standardize")
      options.standardize = true;
    else if (value("plot", text))
      options.plotPath = text;
    else if (value("csv", text))
      options.csvPath = text;
    else if (value("data", text))
      options.dataDir = text;
    else {
      std::cerr << "fashion-mnist: error: unknown or bad argument '" << arg
                << "'\n";
      return 2;
    }
  }
  return bfly::runCompressionExperiment(options, std::cout);
}
