//===- Replay.cpp - run a fuzz target over files, without libFuzzer -------===//
//
// Linked with a fuzz target's LLVMFuzzerTestOneInput in the normal build:
// every file under the folders it is given (the seed corpus and the inputs
// that once crashed) goes through the target, so the test suite replays
// them on every build, sanitized or not.
//
//===----------------------------------------------------------------------===//
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {
int replayFile(const std::filesystem::path &path) {
  std::ifstream file(path, std::ios::binary);
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(file), {}};
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  return 1;
}
} // namespace

/// replay PATH...: each PATH a file or a folder (searched recursively); a
/// missing PATH is skipped (an empty regressions folder is not in git).
int main(int argc, char **argv) {
  int inputs = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path path(argv[i]);
    if (std::filesystem::is_regular_file(path)) {
      inputs += replayFile(path);
      continue;
    }
    if (!std::filesystem::is_directory(path))
      continue;
    for (const auto &entry :
         std::filesystem::recursive_directory_iterator(path))
      if (entry.is_regular_file())
        inputs += replayFile(entry.path());
  }
  std::printf("replayed %d inputs\n", inputs);
  return inputs > 0 ? 0 : 1;
}
