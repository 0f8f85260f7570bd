//===- DescriptorFuzzer.cpp - the loader's checks on descriptors in memory -===//
//
// The bytes become a bfly_kernel_descriptor (integers from the input, each
// string field a NUL-terminated piece of it or null, an apply function or
// null) that bfly_kernel_adopt checks as it checks a loaded .so; an
// accepted one is also described, expected and planned for. The apply
// function touches no memory, so what is fuzzed is the runtime's checking.
//
//===----------------------------------------------------------------------===//
#include "bfly/runtime.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {
void touchNothing(const void *, void *, int64_t, int64_t, int64_t) {}

/// Reads fixed-size values and NUL-terminated strings off the input.
struct Reader {
  const uint8_t *data;
  size_t size;
  template <typename T> T take() {
    T value{};
    size_t n = std::min(sizeof value, size);
    std::memcpy(&value, data, n);
    data += n;
    size -= n;
    return value;
  }
  /// A string, or null when its flag byte says so.
  const char *text(std::vector<std::string> &keep) {
    if (take<uint8_t>() & 1)
      return nullptr;
    const void *end = std::memchr(data, 0, size);
    size_t n = end ? size_t(static_cast<const uint8_t *>(end) - data) : size;
    keep.emplace_back(reinterpret_cast<const char *>(data), n);
    data += std::min(size, n + 1);
    size -= std::min(size, n + 1);
    return keep.back().c_str();
  }
};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Reader in{data, size};
  std::vector<std::string> strings;
  strings.reserve(4); // the pointers into it must stay put
  bfly_kernel_descriptor d;
  d.abi_version = in.take<uint8_t>() & 1 ? BFLY_KERNEL_ABI_VERSION
                                         : in.take<uint32_t>();
  d.descriptor_size = in.take<uint8_t>() & 1 ? sizeof(bfly_kernel_descriptor)
                                             : in.take<uint32_t>();
  d.n = in.take<uint8_t>() & 1 ? int64_t(1) << (in.take<uint8_t>() % 64)
                               : in.take<int64_t>();
  d.input_dtype = in.take<int8_t>();
  d.output_dtype = in.take<int8_t>();
  d.name = in.text(strings);
  d.cpu = in.text(strings);
  d.cpu_features = in.text(strings);
  d.provenance = in.text(strings);
  d.flops = in.take<int64_t>();
  d.nonzero_twiddles = in.take<int64_t>();
  d.apply = in.take<uint8_t>() & 1 ? nullptr : touchNothing;

  bfly_kernel *kernel = nullptr;
  if (bfly_kernel_adopt(&d, "fuzz", nullptr, nullptr, &kernel) != BFLY_OK)
    return 0;
  (void)bfly_kernel_describe(kernel);
  (void)bfly_kernel_expect(kernel, d.n, d.input_dtype, d.output_dtype);
  bfly_plan *plan = nullptr;
  if (bfly_plan_create(kernel, 1, &plan) == BFLY_OK)
    bfly_plan_free(plan);
  bfly_kernel_free(kernel);
  return 0;
}
