//===- RuntimeTest.cpp - loading, checking and applying kernels -----------===//
#include "bfly/runtime.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

std::string fixture(const std::string &name) {
  const char *dir = std::getenv("BFLY_TEST_FIXTURES");
  return std::string(dir ? dir : ".") + "/" + name + ".so";
}

bfly_status load(const std::string &name) {
  bfly_kernel *kernel = nullptr;
  bfly_status status = bfly_kernel_load(fixture(name).c_str(), &kernel);
  EXPECT_EQ(status == BFLY_OK, kernel != nullptr);
  bfly_kernel_free(kernel);
  return status;
}

TEST(RuntimeTest, LoadsAValidKernelAndDescribesIt) {
  bfly::Kernel kernel = bfly::Kernel::load(fixture("copy_kernel"));
  ASSERT_TRUE(kernel) << kernel.error();
  EXPECT_EQ(kernel.error(), "");
  EXPECT_EQ(kernel.size(), 4);
  EXPECT_EQ(kernel.descriptor().input_dtype, BFLY_DTYPE_F32);
  EXPECT_STREQ(kernel.descriptor().name, "fake");
  EXPECT_STREQ(bfly_dtype_name(kernel.descriptor().output_dtype), "f32");
}

/// A kernel is a file: a bare name is looked up in the working folder, not
/// on the library search path as dlopen would.
TEST(RuntimeTest, ABareNameIsAFileInTheWorkingFolder) {
  const char *dir = std::getenv("BFLY_TEST_FIXTURES");
  ASSERT_NE(dir, nullptr);
  std::string previous = std::getenv("PWD") ? std::getenv("PWD") : "/";
  ASSERT_EQ(chdir(dir), 0);
  bfly::Kernel kernel = bfly::Kernel::load("copy_kernel.so");
  EXPECT_TRUE(kernel) << kernel.error();
  bfly::Kernel missing = bfly::Kernel::load("no_such_kernel.so");
  EXPECT_FALSE(missing);
  EXPECT_NE(missing.error().find("no_such_kernel.so"), std::string::npos);
  ASSERT_EQ(chdir(previous.c_str()), 0);
}

TEST(RuntimeTest, AppliesBatchesContiguousAndStrided) {
  bfly::Kernel kernel = bfly::Kernel::load(fixture("copy_kernel"));
  ASSERT_TRUE(kernel) << kernel.error();
  std::vector<float> in(12), out(12, -1.0f);
  for (int i = 0; i < 12; ++i)
    in[i] = float(i);
  ASSERT_EQ(kernel.apply(in.data(), out.data(), 3), BFLY_OK);
  EXPECT_EQ(out, in);

  // Vectors 6 apart in, 5 apart out: the gaps stay untouched.
  std::vector<float> gapped(11, -1.0f);
  ASSERT_EQ(kernel.apply(in.data(), 6, gapped.data(), 5, 2), BFLY_OK);
  EXPECT_EQ(gapped, (std::vector<float>{0, 1, 2, 3, -1, 6, 7, 8, 9, -1, -1}));
}

TEST(RuntimeTest, ExpectChecksSizeAndTypes) {
  bfly::Kernel kernel = bfly::Kernel::load(fixture("copy_kernel"));
  ASSERT_TRUE(kernel);
  EXPECT_EQ(bfly_kernel_expect(kernel.get(), 4, BFLY_DTYPE_F32, 0), BFLY_OK);
  EXPECT_EQ(bfly_kernel_expect(kernel.get(), 8, 0, 0), BFLY_ERROR_MISMATCH);
  EXPECT_STREQ(bfly_last_error(), "kernel 'fake' has length 4, expected 8");
  EXPECT_EQ(bfly_kernel_expect(kernel.get(), 4, BFLY_DTYPE_COMPLEX_F32, 0),
            BFLY_ERROR_MISMATCH);
  EXPECT_STREQ(bfly_last_error(),
               "kernel 'fake' maps f32 to f32, expected complex<f32> to any");
}

TEST(RuntimeTest, RefusesWhatIsNotAKernelForThisRuntime) {
  EXPECT_EQ(load("not_a_kernel"), BFLY_ERROR_NOT_A_KERNEL);
  EXPECT_NE(std::string(bfly_last_error()).find("has no 'bfly_kernel_query'"),
            std::string::npos);
  EXPECT_EQ(load("wrong_abi_version"), BFLY_ERROR_ABI_VERSION);
  EXPECT_NE(std::string(bfly_last_error()).find("ABI version 2"),
            std::string::npos);
  EXPECT_EQ(load("missing_cpu_feature"), BFLY_ERROR_CPU);
  EXPECT_NE(std::string(bfly_last_error()).find("'made-up-feature'"),
            std::string::npos);
  EXPECT_EQ(load("malformed_descriptor"), BFLY_ERROR_NOT_A_KERNEL);
  EXPECT_EQ(load("no_such_file"), BFLY_ERROR_OPEN);

  bfly::Kernel kernel = bfly::Kernel::load(fixture("wrong_abi_version"));
  EXPECT_FALSE(kernel);
  EXPECT_EQ(kernel.status(), BFLY_ERROR_ABI_VERSION);
  EXPECT_NE(kernel.error().find("recompile"), std::string::npos);
}

TEST(RuntimeTest, RefusesBadArgumentsWithoutCrashing) {
  bfly_kernel *kernel = nullptr;
  EXPECT_EQ(bfly_kernel_load(nullptr, &kernel), BFLY_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(bfly_kernel_apply(nullptr, nullptr, nullptr, 1),
            BFLY_ERROR_INVALID_ARGUMENT);
  ASSERT_EQ(bfly_kernel_load(fixture("copy_kernel").c_str(), &kernel), BFLY_OK);
  float data[8] = {};
  EXPECT_EQ(bfly_kernel_apply(kernel, data, data, -1),
            BFLY_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(bfly_kernel_apply(kernel, nullptr, data, 1),
            BFLY_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(bfly_kernel_apply_strided(kernel, data, 2, data, 4, 2),
            BFLY_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(bfly_kernel_apply(kernel, nullptr, nullptr, 0), BFLY_OK);
  bfly_kernel_free(kernel);
  bfly_kernel_free(nullptr);
}

} // namespace
