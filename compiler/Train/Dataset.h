//===- Dataset.h - labelled images from IDX files (MNIST's format) -*- C++ -*-//
//
// The IDX format of MNIST and Fashion-MNIST (gzipped or not): a magic word
// naming the element type and rank, big-endian dimensions, then the bytes.
// Images become columns of floats in [0, 1], zero-padded to a power of two
// as the paper pads 784 pixels to 1024.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_TRAIN_DATASET_H
#define BFLY_COMPILER_TRAIN_DATASET_H

#include <Eigen/Dense>

#include <cstdint>
#include <string>
#include <vector>

namespace bfly {

/// An IDX array of unsigned bytes.
struct IdxArray {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> data; ///< row-major, product(dims) bytes
};

/// The most data bytes an IDX header may declare: 1 GiB (the Fashion-MNIST
/// training images are 47 MiB). Reading stops one byte past what the header
/// declares, so a small compressed file never inflates beyond it.
inline constexpr uint64_t kMaxIdxBytes = uint64_t(1) << 30;

/// Reads `path` (gzip or plain). False with `error` for a missing file, a
/// wrong magic word, an element type other than unsigned byte, fewer or
/// more bytes than the dimensions say, or dimensions beyond kMaxIdxBytes.
bool readIdx(const std::string &path, IdxArray &array, std::string &error);

/// The same from `size` bytes in memory (gzip or plain); errors name the
/// data `name`.
bool readIdx(const uint8_t *data, size_t size, const std::string &name,
             IdxArray &array, std::string &error);

struct Dataset {
  Eigen::MatrixXf images; ///< one column per example, values in [0, 1]
  std::vector<int> labels;
  int classes = 10;

  int64_t size() const { return int64_t(labels.size()); }
  /// The examples at `indices`, in that order.
  Dataset subset(const std::vector<int64_t> &indices) const;
};

/// Images (rank 3: count x rows x columns) and their labels (rank 1) as a
/// dataset whose columns are padded with zeros to `padTo` pixels (0: no
/// padding). False with `error` when a file cannot be read, the counts
/// disagree, a label is not below `classes`, or an image has more pixels
/// than `padTo`.
bool loadIdxPair(const std::string &imagesPath, const std::string &labelsPath,
                 int64_t padTo, int classes, Dataset &dataset,
                 std::string &error);

/// Where Debian's dataset-fashion-mnist installs the data.
inline const char *kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/// The training and test sets of (Fashion-)MNIST in `dir`
/// (train-images-idx3-ubyte.gz, ...), padded to `padTo` pixels.
bool loadMnistStyle(const std::string &dir, int64_t padTo, Dataset &train,
                    Dataset &test, std::string &error);

/// Standardizes every pixel to mean 0 and deviation 1 over `train` (a
/// pixel that never varies, like the padding, is only centred), and applies
/// the same map to `others`.
void standardize(Dataset &train, std::vector<Dataset *> others);

/// Splits `all` into training and validation sets, the validation set a
/// `fraction` of it drawn by `seed`.
void splitValidation(const Dataset &all, double fraction, uint64_t seed,
                     Dataset &train, Dataset &validation);

} // namespace bfly

#endif // BFLY_COMPILER_TRAIN_DATASET_H
