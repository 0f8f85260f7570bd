//===- IdxFuzzer.cpp - IDX bytes, gzip or plain ---------------------------===//
#include "compiler/Train/Dataset.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bfly::IdxArray array;
  std::string error;
  (void)bfly::readIdx(data, size, "fuzz.idx", array, error);
  return 0;
}
