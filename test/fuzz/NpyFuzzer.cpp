//===- NpyFuzzer.cpp - .npy bytes as a matrix and as twiddles -------------===//
#include "compiler/Import/Npy.h"
#include "compiler/Import/Twiddles.h"

#include "llvm/Support/MemoryBufferRef.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::MemoryBufferRef buffer(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.npy");
  if (llvm::Expected<bfly::NpyMatrix> matrix = bfly::readNpy(buffer))
    (void)bfly::targetFromMatrix(*matrix, "fuzz");
  else
    llvm::consumeError(matrix.takeError());
  if (llvm::Expected<bfly::TwiddleTensor> tensor =
          bfly::readTwiddlesNpy(buffer)) {
    for (bool increasing : {true, false})
      if (auto model = bfly::butterflyFromTwiddles(*tensor, increasing, 0))
        (void)model->validate();
      else
        llvm::consumeError(model.takeError());
  } else {
    llvm::consumeError(tensor.takeError());
  }
  return 0;
}
