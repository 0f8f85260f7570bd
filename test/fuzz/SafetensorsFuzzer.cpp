//===- SafetensorsFuzzer.cpp - safetensors bytes as torch_butterfly twiddles -===//
#include "compiler/Import/Twiddles.h"

#include "llvm/Support/MemoryBufferRef.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::MemoryBufferRef buffer(
      llvm::StringRef(reinterpret_cast<const char *>(data), size),
      "fuzz.safetensors");
  // The tensor named by the file ('...twiddle'), and one named outright.
  for (const char *name : {"", "twiddle"}) {
    llvm::Expected<bfly::TwiddleTensor> tensor =
        bfly::readTwiddlesSafetensors(buffer, name);
    if (!tensor) {
      llvm::consumeError(tensor.takeError());
      continue;
    }
    if (auto model = bfly::butterflyFromTwiddles(*tensor, true, 0))
      (void)model->validate();
    else
      llvm::consumeError(model.takeError());
  }
  return 0;
}
