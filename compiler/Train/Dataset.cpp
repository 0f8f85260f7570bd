//===- Dataset.cpp - labelled images from IDX files -----------------------===//
#include "compiler/Train/Dataset.h"

#include <zlib.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <numeric>
#include <random>

namespace bfly {

namespace {
/// Reads the next bytes into `buffer` (at most `capacity`): the count, 0 at
/// the end, or -1 with `error` set.
using ReadChunk =
    std::function<long(uint8_t *buffer, size_t capacity, std::string &error)>;

uint32_t bigEndian32(const uint8_t *p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 |
         uint32_t(p[3]);
}

/// Streams an IDX array from `read`; `name` names it in errors. The header
/// fixes how many bytes may follow, so the reader stops one byte past that
/// (or refuses a header beyond kMaxIdxBytes) instead of inflating a
/// compressed file to its end.
bool streamIdx(const ReadChunk &read, const std::string &name, IdxArray &array,
               std::string &error) {
  std::vector<uint8_t> bytes;
  size_t header = 0;    // bytes of header, once its rank is known
  uint64_t expected = 0; // header + data bytes, once the header is read
  uint8_t chunk[1 << 16];
  for (;;) {
    size_t want = sizeof chunk;
    if (expected)
      want = std::min<uint64_t>(want, expected + 1 - bytes.size());
    long count = read(chunk, want, error);
    if (count < 0)
      return false;
    if (count == 0)
      break;
    bytes.insert(bytes.end(), chunk, chunk + count);
    if (bytes.size() >= 4 && !header) {
      if (bytes[0] != 0 || bytes[1] != 0) {
        error = "'" + name + "' is not an IDX file (wrong magic number)";
        return false;
      }
      if (bytes[2] != 0x08) {
        error = "'" + name + "' holds IDX type " + std::to_string(bytes[2]) +
                ", expected unsigned bytes (8)";
        return false;
      }
      if (bytes[3] == 0) {
        error = "'" + name + "' has an empty IDX header (rank 0)";
        return false;
      }
      header = 4 + 4 * size_t(bytes[3]);
    }
    if (header && !expected && bytes.size() >= header) {
      array.dims.clear();
      uint64_t elements = 1;
      for (size_t d = 0; d < bytes[3]; ++d) {
        array.dims.push_back(bigEndian32(&bytes[4 + 4 * d]));
        elements *= array.dims.back();
        if (elements > kMaxIdxBytes) { // also guards the product's overflow
          error = "'" + name + "' declares more than " +
                  std::to_string(kMaxIdxBytes) +
                  " bytes of data, more than an IDX file bfly reads";
          return false;
        }
      }
      expected = header + elements;
    }
    if (expected && bytes.size() > expected) {
      error = "'" + name + "' holds more data bytes than its header's " +
              std::to_string(expected - header);
      return false;
    }
  }
  if (!header || bytes.size() < header) {
    error = bytes.size() >= 2 && (bytes[0] != 0 || bytes[1] != 0)
                ? "'" + name + "' is not an IDX file (wrong magic number)"
                : "'" + name + "' has a truncated IDX header";
    return false;
  }
  if (bytes.size() < expected) {
    error = "'" + name + "' has " + std::to_string(bytes.size() - header) +
            " data bytes, its header says " +
            std::to_string(expected - header) + " (truncated)";
    return false;
  }
  array.data.assign(bytes.begin() + header, bytes.end());
  return true;
}
} // namespace

bool readIdx(const std::string &path, IdxArray &array, std::string &error) {
  // gzread reads plain files as they are, so one path serves both.
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"),
                                                  gzclose);
  if (!file) {
    error = "cannot open '" + path + "'";
    return false;
  }
  return streamIdx(
      [&](uint8_t *buffer, size_t capacity, std::string &error) -> long {
        int count = gzread(file.get(), buffer, unsigned(capacity));
        if (count < 0) {
          int code = 0;
          error = "cannot read '" + path + "': " + gzerror(file.get(), &code);
        }
        return count;
      },
      path, array, error);
}

bool readIdx(const uint8_t *data, size_t size, const std::string &name,
             IdxArray &array, std::string &error) {
  bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  if (!gzip) {
    size_t offset = 0;
    return streamIdx(
        [&](uint8_t *buffer, size_t capacity, std::string &) -> long {
          size_t count = std::min(capacity, size - offset);
          std::copy(data + offset, data + offset + count, buffer);
          offset += count;
          return long(count);
        },
        name, array, error);
  }
  z_stream stream{};
  // 16 + MAX_WBITS: a gzip header, as gzopen reads.
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
    error = "cannot decompress '" + name + "'";
    return false;
  }
  std::unique_ptr<z_stream, int (*)(z_stream *)> closer(&stream, inflateEnd);
  stream.next_in = const_cast<uint8_t *>(data);
  stream.avail_in = uInt(std::min<size_t>(size, UINT32_MAX));
  bool ended = false;
  return streamIdx(
      [&](uint8_t *buffer, size_t capacity, std::string &error) -> long {
        if (ended)
          return 0;
        stream.next_out = buffer;
        stream.avail_out = uInt(capacity);
        while (stream.avail_out == capacity) {
          int status = inflate(&stream, Z_NO_FLUSH);
          if (status == Z_STREAM_END) {
            ended = true;
            break;
          }
          if (status != Z_OK) {
            error = "cannot read '" + name + "': not a complete gzip stream";
            return -1;
          }
        }
        return long(capacity - stream.avail_out);
      },
      name, array, error);
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
