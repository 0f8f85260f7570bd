//===- Npy.cpp - read matrices from NumPy .npy files ----------------------===//
#include "compiler/Import/Npy.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <cstring>

namespace bfly {

namespace {
llvm::Error npyError(const std::string &path, const llvm::Twine &message) {
  return llvm::createStringError("'" + path + "': " + message.str());
}

/// The value text of `key` in the header dict, up to the next top-level
/// comma or the closing brace.
std::optional<llvm::StringRef> headerValue(llvm::StringRef header,
                                           llvm::StringRef key) {
  for (char quote : {'\'', '"'}) {
    std::string quoted = std::string(1, quote) + key.str() + quote;
    size_t at = header.find(quoted);
    if (at == llvm::StringRef::npos)
      continue;
    llvm::StringRef rest = header.drop_front(at + quoted.size()).ltrim();
    if (!rest.consume_front(":"))
      return std::nullopt;
    rest = rest.ltrim();
    if (rest.starts_with("(")) // a shape tuple
      return rest.take_until([](char c) { return c == ')'; }).drop_front();
    return rest.take_until([](char c) { return c == ',' || c == '}'; }).trim();
  }
  return std::nullopt;
}
} // namespace

llvm::Expected<NpyMatrix> readNpy(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return npyError(path, "cannot read: " + buffer.getError().message());
  llvm::StringRef bytes = (*buffer)->getBuffer();
  if (bytes.size() < 10 || !bytes.starts_with("\x93NUMPY"))
    return npyError(path, "not a .npy file (no \\x93NUMPY magic)");
  int major = static_cast<unsigned char>(bytes[6]);
  size_t headerLength, headerStart;
  if (major == 1) {
    headerLength = static_cast<unsigned char>(bytes[8]) |
                   static_cast<unsigned char>(bytes[9]) << 8;
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return npyError(path, "truncated header");
    headerLength = 0;
    for (int i = 3; i >= 0; --i)
      headerLength =
          headerLength << 8 | static_cast<unsigned char>(bytes[8 + i]);
    headerStart = 12;
  } else {
    return npyError(path, "unsupported .npy version " + llvm::Twine(major));
  }
  if (bytes.size() < headerStart + headerLength)
    return npyError(path, "truncated header");
  llvm::StringRef header = bytes.substr(headerStart, headerLength);
  llvm::StringRef data = bytes.drop_front(headerStart + headerLength);

  std::optional<llvm::StringRef> descr = headerValue(header, "descr");
  std::optional<llvm::StringRef> order = headerValue(header, "fortran_order");
  std::optional<llvm::StringRef> shapeText = headerValue(header, "shape");
  if (!descr || !order || !shapeText)
    return npyError(path, "header lacks descr, fortran_order or shape");
  NpyMatrix result;
  result.dtype = descr->trim("'\"").str();
  int itemSize;
  if (result.dtype == "<f4")
    itemSize = 4;
  else if (result.dtype == "<f8")
    itemSize = 8;
  else if (result.dtype == "<c8")
    itemSize = 8, result.complex = true;
  else if (result.dtype == "<c16")
    itemSize = 16, result.complex = true;
  else
    return npyError(path, "unsupported dtype '" + result.dtype +
                              "': expected little-endian float32, float64, "
                              "complex64 or complex128");
  if (*order != "True" && *order != "False")
    return npyError(path, "fortran_order must be True or False");
  bool fortran = *order == "True";

  llvm::SmallVector<llvm::StringRef> dims;
  shapeText->split(dims, ',', -1, /*KeepEmpty=*/false);
  llvm::SmallVector<int64_t> shape;
  for (llvm::StringRef dim : dims) {
    int64_t value;
    if (dim.trim().getAsInteger(10, value) || value < 1)
      return npyError(path, "bad shape (" + *shapeText + ")");
    shape.push_back(value);
  }
  if (shape.empty() || shape.size() > 2)
    return npyError(path, "expected a 1-D or 2-D array, got shape (" +
                              *shapeText + ")");
  int64_t rows = shape.size() == 2 ? shape[0] : 1;
  int64_t cols = shape.back();
  if (rows > (int64_t{1} << 16) || cols > (int64_t{1} << 16))
    return npyError(path, "shape (" + *shapeText + ") is too large");
  uint64_t expected = uint64_t(rows) * uint64_t(cols) * itemSize;
  if (data.size() != expected)
    return npyError(path, "header declares " + llvm::Twine(expected) +
                              " bytes of data, the file holds " +
                              llvm::Twine(data.size()));

  result.values.resize(rows, cols);
  auto scalar = [&](int64_t index) {
    if (itemSize == 4 || (itemSize == 8 && result.complex)) {
      float value;
      std::memcpy(&value, data.data() + 4 * index, 4);
      return double(value);
    }
    double value;
    std::memcpy(&value, data.data() + 8 * index, 8);
    return value;
  };
  for (int64_t k = 0; k < rows * cols; ++k) {
    int64_t r = fortran ? k % rows : k / cols;
    int64_t c = fortran ? k / rows : k % cols;
    Complex value = result.complex ? Complex(scalar(2 * k), scalar(2 * k + 1))
                                   : Complex(scalar(k), 0.0);
    if (!std::isfinite(value.real()) || !std::isfinite(value.imag()))
      return npyError(path, "entry (" + llvm::Twine(r) + ", " + llvm::Twine(c) +
                                ") is not finite");
    result.values(r, c) = value;
  }
  return result;
}

Target targetFromMatrix(const NpyMatrix &matrix, const std::string &name) {
  int64_t n = 2;
  while (n < matrix.values.rows() || n < matrix.values.cols())
    n *= 2;
  Target target{name, Eigen::MatrixXcd::Zero(n, n), !matrix.complex};
  target.matrix.topLeftCorner(matrix.values.rows(), matrix.values.cols()) =
      matrix.values;
  return target;
}

} // namespace bfly
