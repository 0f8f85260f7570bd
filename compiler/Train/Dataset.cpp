//===- Dataset.cpp - labelled images from IDX files -----------------------===//
#include "compiler/Train/Dataset.h"

#include <zlib.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <random>

namespace bfly {

bool readIdx(const std::string &path, IdxArray &array, std::string &error) {
  // gzread reads plain files as they are, so one path serves both.
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"),
                                                  gzclose);
  if (!file) {
    error = "cannot open '" + path + "'";
    return false;
  }
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  for (;;) {
    int count = gzread(file.get(), chunk, sizeof chunk);
    if (count < 0) {
      int code = 0;
      error = "cannot read '" + path + "': " + gzerror(file.get(), &code);
      return false;
    }
    if (count == 0)
      break;
    bytes.insert(bytes.end(), chunk, chunk + count);
  }
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0) {
    error = "'" + path + "' is not an IDX file (wrong magic number)";
    return false;
  }
  if (bytes[2] != 0x08) {
    error = "'" + path + "' holds IDX type " + std::to_string(bytes[2]) +
            ", expected unsigned bytes (8)";
    return false;
  }
  int rank = bytes[3];
  if (rank < 1 || bytes.size() < size_t(4 + 4 * rank)) {
    error = "'" + path + "' has a truncated or empty IDX header";
    return false;
  }
  array.dims.clear();
  uint64_t elements = 1;
  for (int d = 0; d < rank; ++d) {
    const uint8_t *p = &bytes[4 + 4 * d];
    uint32_t dim = uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 |
                   uint32_t(p[2]) << 8 | uint32_t(p[3]);
    array.dims.push_back(dim);
    elements *= dim;
    if (elements > bytes.size()) // also guards the product's overflow
      break;
  }
  size_t header = 4 + 4 * size_t(rank);
  if (elements != bytes.size() - header) {
    error = "'" + path + "' has " + std::to_string(bytes.size() - header) +
            " data bytes, its header says " +
            (elements > bytes.size() ? std::string("more")
                                     : std::to_string(elements)) +
            (elements > bytes.size() - header ? " (truncated)" : "");
    return false;
  }
  array.data.assign(bytes.begin() + header, bytes.end());
  return true;
}

Dataset Dataset::subset(const std::vector<int64_t> &indices) const {
  Dataset result;
  result.classes = classes;
  result.images.resize(images.rows(), int64_t(indices.size()));
  for (size_t i = 0; i < indices.size(); ++i) {
    result.images.col(int64_t(i)) = images.col(indices[i]);
    result.labels.push_back(labels[indices[i]]);
  }
  return result;
}

bool loadIdxPair(const std::string &imagesPath, const std::string &labelsPath,
                 int64_t padTo, int classes, Dataset &dataset,
                 std::string &error) {
  IdxArray images, labels;
  if (!readIdx(imagesPath, images, error) ||
      !readIdx(labelsPath, labels, error))
    return false;
  if (images.dims.size() != 3) {
    error = "'" + imagesPath + "' has rank " +
            std::to_string(images.dims.size()) + ", images have rank 3";
    return false;
  }
  if (labels.dims.size() != 1) {
    error = "'" + labelsPath + "' has rank " +
            std::to_string(labels.dims.size()) + ", labels have rank 1";
    return false;
  }
  int64_t count = images.dims[0];
  int64_t pixels = int64_t(images.dims[1]) * images.dims[2];
  if (labels.dims[0] != images.dims[0]) {
    error = "'" + labelsPath + "' has " + std::to_string(labels.dims[0]) +
            " labels for " + std::to_string(count) + " images";
    return false;
  }
  int64_t rows = padTo > 0 ? padTo : pixels;
  if (pixels > rows) {
    error = "images of " + std::to_string(pixels) + " pixels do not fit in " +
            std::to_string(rows);
    return false;
  }
  dataset.classes = classes;
  dataset.labels.assign(labels.data.begin(), labels.data.end());
  for (int64_t i = 0; i < count; ++i)
    if (dataset.labels[i] >= classes) {
      error = "'" + labelsPath + "': label " +
              std::to_string(dataset.labels[i]) + " of example " +
              std::to_string(i) + " is not below " + std::to_string(classes);
      return false;
    }
  dataset.images = Eigen::MatrixXf::Zero(rows, count);
  for (int64_t i = 0; i < count; ++i)
    for (int64_t p = 0; p < pixels; ++p)
      dataset.images(p, i) = float(images.data[i * pixels + p]) / 255.0f;
  return true;
}

bool loadMnistStyle(const std::string &dir, int64_t padTo, Dataset &train,
                    Dataset &test, std::string &error) {
  return loadIdxPair(dir + "/train-images-idx3-ubyte.gz",
                     dir + "/train-labels-idx1-ubyte.gz", padTo, 10, train,
                     error) &&
         loadIdxPair(dir + "/t10k-images-idx3-ubyte.gz",
                     dir + "/t10k-labels-idx1-ubyte.gz", padTo, 10, test,
                     error);
}

void standardize(Dataset &train, std::vector<Dataset *> others) {
  Eigen::VectorXf mean = train.images.rowwise().mean();
  Eigen::VectorXf deviation =
      ((train.images.colwise() - mean).array().square().rowwise().mean())
          .sqrt()
          .matrix();
  Eigen::VectorXf scale =
      deviation.unaryExpr([](float d) { return d > 1e-6f ? 1.0f / d : 1.0f; });
  others.push_back(&train);
  for (Dataset *data : others)
    data->images =
        (data->images.colwise() - mean).array().colwise() * scale.array();
}

void splitValidation(const Dataset &all, double fraction, uint64_t seed,
                     Dataset &train, Dataset &validation) {
  std::vector<int64_t> order(all.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  size_t held = size_t(double(order.size()) * fraction);
  validation = all.subset({order.begin(), order.begin() + held});
  train = all.subset({order.begin() + held, order.end()});
}

} // namespace bfly
