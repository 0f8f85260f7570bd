//===- Twiddles.cpp - butterfly weights trained elsewhere -----------------===//
#include "compiler/Import/Twiddles.h"

#include "compiler/Import/Npy.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <cstring>

namespace bfly {

namespace {

llvm::Error importError(const std::string &path, const llvm::Twine &what) {
  return llvm::createStringError("'%s': %s", path.c_str(), what.str().c_str());
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + ")";
}

} // namespace

llvm::Expected<TwiddleTensor> readTwiddlesNpy(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return importError(path, "cannot read: " + buffer.getError().message());
  return readTwiddlesNpy((*buffer)->getMemBufferRef());
}

llvm::Expected<TwiddleTensor> readTwiddlesNpy(llvm::MemoryBufferRef buffer) {
  llvm::Expected<NpyArray> array = readNpyArray(buffer);
  if (!array)
    return array.takeError();
  TwiddleTensor tensor;
  tensor.shape = array->shape;
  tensor.values = std::move(array->values);
  tensor.complex = array->complex;
  tensor.precision = array->dtype == "<f8" || array->dtype == "<c16"
                         ? Precision::F64
                         : Precision::F32;
  return tensor;
}

llvm::Expected<TwiddleTensor> readTwiddlesSafetensors(const std::string &path,
                                                      const std::string &name) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return importError(path, "cannot read: " + buffer.getError().message());
  return readTwiddlesSafetensors((*buffer)->getMemBufferRef(), name);
}

llvm::Expected<TwiddleTensor>
readTwiddlesSafetensors(llvm::MemoryBufferRef buffer, const std::string &name) {
  std::string path = buffer.getBufferIdentifier().str();
  llvm::StringRef bytes = buffer.getBuffer();
  if (bytes.size() < 8)
    return importError(path, "not a safetensors file (shorter than its "
                             "8-byte header size)");
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = headerSize << 8 | uint8_t(bytes[i]);
  if (headerSize > bytes.size() - 8)
    return importError(path, "the header claims " + llvm::Twine(headerSize) +
                                 " bytes, the file has " +
                                 llvm::Twine(bytes.size() - 8) + " after it");
  llvm::StringRef data = bytes.drop_front(8 + headerSize);
  llvm::Expected<llvm::json::Value> header =
      llvm::json::parse(bytes.substr(8, headerSize));
  if (!header)
    return importError(path, "the header is not JSON: " +
                                 llvm::toString(header.takeError()));
  const llvm::json::Object *tensors = header->getAsObject();
  if (!tensors)
    return importError(path, "the header is not a JSON object");

  std::string chosen = name;
  if (chosen.empty()) {
    std::vector<std::string> candidates;
    for (const auto &entry : *tensors)
      if (llvm::StringRef(entry.first).ends_with("twiddle"))
        candidates.push_back(entry.first.str());
    if (candidates.size() != 1)
      return importError(path, llvm::Twine(candidates.size()) +
                                   " tensors named '...twiddle': name one "
                                   "with --tensor");
    chosen = candidates[0];
  }
  const llvm::json::Object *entry = tensors->getObject(chosen);
  if (!entry)
    return importError(path, "no tensor '" + chosen + "'");
  std::optional<llvm::StringRef> dtype = entry->getString("dtype");
  const llvm::json::Array *shape = entry->getArray("shape");
  const llvm::json::Array *offsets = entry->getArray("data_offsets");
  if (!dtype || !shape || !offsets || offsets->size() != 2)
    return importError(path, "tensor '" + chosen +
                                 "' lacks dtype, shape or data_offsets");
  TwiddleTensor tensor;
  size_t scalarSize;
  if (*dtype == "F32")
    scalarSize = 4;
  else if (*dtype == "F64")
    scalarSize = 8, tensor.precision = Precision::F64;
  else if (*dtype == "C64")
    scalarSize = 4, tensor.complex = true;
  else
    return importError(path, "tensor '" + chosen + "' has dtype " + *dtype +
                                 ", expected F32, F64 or C64");
  uint64_t count = 1;
  for (const llvm::json::Value &dim : *shape) {
    std::optional<int64_t> d = dim.getAsInteger();
    if (!d || *d < 1)
      return importError(path, "tensor '" + chosen + "' has a bad shape");
    tensor.shape.push_back(*d);
    count *= uint64_t(*d);
    if (count > (uint64_t{1} << 28))
      return importError(path, "tensor '" + chosen + "' is too large");
  }
  std::optional<int64_t> begin = (*offsets)[0].getAsInteger();
  std::optional<int64_t> end = (*offsets)[1].getAsInteger();
  uint64_t bytesNeeded = count * scalarSize * (tensor.complex ? 2 : 1);
  if (!begin || !end || *begin < 0 || *end < *begin ||
      uint64_t(*end) > data.size())
    return importError(path, "tensor '" + chosen +
                                 "' has data_offsets outside the file's " +
                                 llvm::Twine(data.size()) + " data bytes");
  if (uint64_t(*end - *begin) != bytesNeeded)
    return importError(
        path, "tensor '" + chosen + "' of shape " + shapeText(tensor.shape) +
                  " needs " + llvm::Twine(bytesNeeded) +
                  " bytes, its offsets span " + llvm::Twine(*end - *begin));
  const char *at = data.data() + *begin;
  auto scalar = [&](uint64_t i) {
    if (scalarSize == 4) {
      float v;
      std::memcpy(&v, at + 4 * i, 4);
      return double(v);
    }
    double v;
    std::memcpy(&v, at + 8 * i, 8);
    return v;
  };
  tensor.values.resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    Complex value = tensor.complex ? Complex(scalar(2 * i), scalar(2 * i + 1))
                                   : Complex(scalar(i), 0.0);
    if (!std::isfinite(value.real()) || !std::isfinite(value.imag()))
      return importError(path, "tensor '" + chosen + "' entry " +
                                   llvm::Twine(i) + " is not finite");
    tensor.values[i] = value;
  }
  return tensor;
}

llvm::Expected<Factorization> butterflyFromTwiddles(const TwiddleTensor &tensor,
                                                    bool increasingStride,
                                                    int64_t stack) {
  const std::vector<int64_t> &s = tensor.shape;
  if (s.size() != 6 || s[4] != 2 || s[5] != 2)
    return llvm::createStringError(
        "twiddles of shape %s: expected (nstacks, nblocks, log2 n, n/2, 2, "
        "2)",
        shapeText(s).c_str());
  int64_t n = 2 * s[3];
  if (!isPowerOfTwo(n) || s[2] != log2Exact(n))
    return llvm::createStringError(
        "twiddles of shape %s: n/2 = %lld needs a power-of-two n and log2 n "
        "factors per block",
        shapeText(s).c_str(), (long long)s[3]);
  if (stack < 0 || stack >= s[0])
    return llvm::createStringError("stack %lld of %lld stacks",
                                   (long long)stack, (long long)s[0]);
  Factorization model;
  model.n = n;
  model.type = {tensor.complex ? Field::Complex : Field::Real,
                tensor.precision};
  model.provenance = {{"method", "imported"},
                      {"layout", "torch_butterfly"},
                      {"stack", std::to_string(stack)}};
  int64_t logN = s[2], blocks = s[1];
  for (int64_t block = 0; block < blocks; ++block) {
    bool increasing = increasingStride != bool(block % 2);
    for (int64_t idx = 0; idx < logN; ++idx) {
      Stage stage{int64_t(1) << (increasing ? idx : logN - 1 - idx), {}};
      int64_t base = (((stack * blocks + block) * logN + idx) * (n / 2)) * 4;
      stage.twiddles.assign(tensor.values.begin() + base,
                            tensor.values.begin() + base + 2 * n);
      model.factors.push_back(std::move(stage));
    }
  }
  model.roundToPrecision();
  return model;
}

} // namespace bfly
