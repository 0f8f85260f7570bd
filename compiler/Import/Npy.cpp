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

llvm::Expected<NpyArray> readNpyArray(const std::string &path,
                                      const NpyShapeCheck &check) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return npyError(path, "cannot read: " + buffer.getError().message());
  return readNpyArray((*buffer)->getMemBufferRef(), check);
}

llvm::Expected<NpyArray> readNpyArray(llvm::MemoryBufferRef buffer,
                                      const NpyShapeCheck &check) {
  std::string path = buffer.getBufferIdentifier().str();
  llvm::StringRef bytes = buffer.getBuffer();
  llvm::StringRef magic("\x93NUMPY");
  if (!bytes.starts_with(magic) && !magic.starts_with(bytes))
    return npyError(path, "not a .npy file (no \\x93NUMPY magic)");
  if (bytes.size() < 10)
    return npyError(path, "truncated: " + llvm::Twine(bytes.size()) +
                              " bytes, the header needs at least 10");
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
  NpyArray result;
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
  uint64_t count = 1;
  for (llvm::StringRef dim : dims) {
    int64_t value;
    if (dim.trim().getAsInteger(10, value) || value < 1)
      return npyError(path, "bad shape (" + *shapeText + ")");
    result.shape.push_back(value);
    count *= uint64_t(value);
    if (count > (uint64_t{1} << 28))
      return npyError(path, "shape (" + *shapeText + ") is too large");
  }
  if (result.shape.empty())
    return npyError(path, "a scalar, expected an array");
  if (check)
    if (std::optional<std::string> problem = check(result.shape))
      return npyError(path, *problem);
  uint64_t expected = count * itemSize;
  if (data.size() != expected)
    return npyError(path, "header declares " + llvm::Twine(expected) +
                              " bytes of data, the file holds " +
                              llvm::Twine(data.size()));

  auto scalar = [&](uint64_t index) {
    if (itemSize == 4 || (itemSize == 8 && result.complex)) {
      float value;
      std::memcpy(&value, data.data() + 4 * index, 4);
      return double(value);
    }
    double value;
    std::memcpy(&value, data.data() + 8 * index, 8);
    return value;
  };
  // Fortran order: the file's k-th value has the first index fastest.
  size_t rank = result.shape.size();
  result.values.resize(count);
  std::vector<int64_t> index(rank, 0);
  for (uint64_t k = 0; k < count; ++k) {
    Complex value = result.complex ? Complex(scalar(2 * k), scalar(2 * k + 1))
                                   : Complex(scalar(k), 0.0);
    uint64_t flat = k;
    if (fortran) {
      flat = 0;
      for (size_t d = 0; d < rank; ++d)
        flat = flat * uint64_t(result.shape[d]) + uint64_t(index[d]);
      for (size_t d = 0; d < rank && ++index[d] == result.shape[d]; ++d)
        index[d] = 0;
    }
    if (!std::isfinite(value.real()) || !std::isfinite(value.imag())) {
      std::string where;
      for (size_t d = rank, rest = flat; d-- > 0; rest /= result.shape[d])
        where = std::to_string(rest % result.shape[d]) +
                (where.empty() ? "" : ", ") + where;
      return npyError(path, "entry (" + where + ") is not finite");
    }
    result.values[flat] = value;
  }
  return result;
}

int64_t paddedSize(int64_t rows, int64_t cols) {
  int64_t n = 2;
  while (n < rows || n < cols)
    n *= 2;
  return n;
}

llvm::Expected<NpyMatrix> readNpy(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return npyError(path, "cannot read: " + buffer.getError().message());
  return readNpy((*buffer)->getMemBufferRef());
}

llvm::Expected<NpyMatrix> readNpy(llvm::MemoryBufferRef buffer) {
  auto asMatrix =
      [](const std::vector<int64_t> &shape) -> std::optional<std::string> {
    std::string text;
    for (int64_t d : shape)
      text += (text.empty() ? "" : ", ") + std::to_string(d);
    if (shape.size() != 2)
      return "expected a matrix (a 2-D array), got shape (" + text +
             (shape.size() == 1 ? ",)" : ")") +
             (shape.size() == 1 ? "; reshape a vector to (1, n) or (n, 1) "
                                  "to learn it as a matrix"
                                : "");
    int64_t n = paddedSize(shape[0], shape[1]);
    if (std::optional<std::string> problem = targetSizeProblem(n))
      return "a " + std::to_string(shape[0]) + " x " +
             std::to_string(shape[1]) + " matrix is zero-padded to " +
             std::to_string(n) + " x " + std::to_string(n) + ": " + *problem;
    return std::nullopt;
  };
  llvm::Expected<NpyArray> array = readNpyArray(buffer, asMatrix);
  if (!array)
    return array.takeError();
  int64_t rows = array->shape[0], cols = array->shape[1];
  NpyMatrix result;
  result.complex = array->complex;
  result.dtype = array->dtype;
  result.values.resize(rows, cols);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      result.values(r, c) = array->values[r * cols + c];
  return result;
}

Target targetFromMatrix(const NpyMatrix &matrix, const std::string &name) {
  int64_t n = paddedSize(matrix.values.rows(), matrix.values.cols());
  Target target{name, Eigen::MatrixXcd::Zero(n, n), !matrix.complex};
  target.matrix.topLeftCorner(matrix.values.rows(), matrix.values.cols()) =
      matrix.values;
  target.rows = matrix.values.rows();
  target.cols = matrix.values.cols();
  return target;
}

} // namespace bfly
