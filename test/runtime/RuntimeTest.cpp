//===- RuntimeTest.cpp - loading, checking and applying kernels -----------===//
#include "bfly/runtime.hpp"
#include "bfly/gpu.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <thread>
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
  ASSERT_TRUE(kernel) << kernel.error();
  EXPECT_EQ(bfly_kernel_expect(kernel.get(), 4, BFLY_DTYPE_F32, 0), BFLY_OK);
  EXPECT_EQ(bfly_kernel_expect(kernel.get(), 8, 0, 0), BFLY_ERROR_MISMATCH);
  EXPECT_STREQ(bfly_last_error(),
               "kernel 'fake' takes vectors of length 4, expected 8");
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
  EXPECT_NE(
      std::string(bfly_last_error())
          .find("ABI version " + std::to_string(BFLY_KERNEL_ABI_VERSION + 1)),
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

void copyFloats(const void *in, void *out, int64_t batch, int64_t in_dist,
                int64_t out_dist) {
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < 4; ++i)
      static_cast<float *>(out)[b * out_dist + i] =
          static_cast<const float *>(in)[b * in_dist + i];
}

/// The adopted descriptor's status and bfly_last_error().
std::pair<bfly_status, std::string> adopt(const bfly_kernel_descriptor &d) {
  bfly_kernel *kernel = nullptr;
  bfly_status status =
      bfly_kernel_adopt(&d, "memory", nullptr, nullptr, &kernel);
  std::string error = bfly_last_error();
  EXPECT_EQ(status == BFLY_OK, kernel != nullptr);
  bfly_kernel_free(kernel);
  return {status, error};
}

/// Every field the loader relies on is checked, and the refusal names it.
TEST(RuntimeTest, TheDescriptorCheckNamesTheBadField) {
  const bfly_kernel_descriptor good = {BFLY_KERNEL_ABI_VERSION,
                                       sizeof(bfly_kernel_descriptor),
                                       4,
                                       4,
                                       BFLY_DTYPE_F32,
                                       BFLY_DTYPE_F32,
                                       "k",
                                       "generic",
                                       "",
                                       0,
                                       0,
                                       "test",
                                       copyFloats};
  EXPECT_EQ(adopt(good).first, BFLY_OK);
  struct Case {
    const char *field;
    void (*spoil)(bfly_kernel_descriptor &);
  } cases[] = {
      {"descriptor_size", [](auto &d) { d.descriptor_size = 8; }},
      {"n is 2097153", [](auto &d) { d.n = 2 * BFLY_MAX_N + 1; }},
      {"output_n is 0", [](auto &d) { d.output_n = 0; }},
      {"output_n is -4", [](auto &d) { d.output_n = -4; }},
      {"n is 1099511627776", [](auto &d) { d.n = int64_t(1) << 40; }},
      {"n is 4611686018427387904", [](auto &d) { d.n = int64_t(1) << 62; }},
      {"n is 0", [](auto &d) { d.n = 0; }},
      {"input_dtype", [](auto &d) { d.input_dtype = 9; }},
      {"output_dtype", [](auto &d) { d.output_dtype = 0; }},
      {"name is null", [](auto &d) { d.name = nullptr; }},
      {"cpu is null", [](auto &d) { d.cpu = nullptr; }},
      {"cpu_features is null", [](auto &d) { d.cpu_features = nullptr; }},
      {"provenance is null", [](auto &d) { d.provenance = nullptr; }},
      {"flops is negative", [](auto &d) { d.flops = -1; }},
      {"nonzero_twiddles is negative",
       [](auto &d) { d.nonzero_twiddles = -5; }},
      {"apply is null", [](auto &d) { d.apply = nullptr; }},
      {"phases or phase_scratch_bytes is negative",
       [](auto &d) { d.phases = -1; }},
      {"phases or phase_scratch_bytes is negative",
       [](auto &d) { d.phase_scratch_bytes = -64; }},
      {"apply_phase does not agree", [](auto &d) { d.phases = 3; }},
      {"apply_phase does not agree",
       [](auto &d) {
         d.phases = 3;
         d.apply_phase = [](const void *, void *, void *, int64_t, int64_t,
                            int64_t) {};
       }},
  };
  for (const Case &c : cases) {
    bfly_kernel_descriptor d = good;
    c.spoil(d);
    auto [status, error] = adopt(d);
    EXPECT_EQ(status, BFLY_ERROR_NOT_A_KERNEL) << c.field;
    EXPECT_NE(error.find(std::string("malformed descriptor: ") + c.field),
              std::string::npos)
        << error;
  }
  bfly_kernel_descriptor big = good;
  big.output_n = int64_t(1) << 22;
  EXPECT_NE(adopt(big).second.find("not from 1 to 2097152 (2 BFLY_MAX_N)"),
            std::string::npos);
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
            BFLY_ERROR_OVERLAP);
  EXPECT_EQ(bfly_kernel_apply(kernel, data, data, 0),
            BFLY_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(bfly_last_error(),
               "bfly_kernel_apply: batch must be at least 1, got 0");
  bfly_kernel_free(kernel);
  bfly_kernel_free(nullptr);
}

/// The direct strided call checks its layout as plans do: a distance whose
/// addresses overflow (which once read vector 0 again, or wrote in front of
/// `out`), overlapping output vectors and a partly overlapping output are
/// refused, and nothing is written.
TEST(RuntimeTest, StridedApplyRefusesDistancesThatOverflowOrOverlap) {
  bfly_kernel *kernel = nullptr;
  ASSERT_EQ(bfly_kernel_load(fixture("copy_kernel").c_str(), &kernel), BFLY_OK);
  std::vector<float> in(16), out(20, -1.0f);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = float(i);
  float *guarded = out.data() + 4; // out[0..3] must stay untouched
  struct Case {
    int64_t inDist, outDist;
    bfly_status status;
    const char *message;
  };
  for (const Case &c : {
           Case{int64_t(1) << 62, 4, BFLY_ERROR_INVALID_ARGUMENT,
                "reaches beyond 2^63 bytes"},
           Case{4, INT64_MAX, BFLY_ERROR_INVALID_ARGUMENT,
                "reaches beyond 2^63 bytes"},
           Case{-4, 4, BFLY_ERROR_INVALID_ARGUMENT, "distances non-negative"},
           Case{4, 2, BFLY_ERROR_OVERLAP, "output vectors overlap"},
       }) {
    EXPECT_EQ(bfly_kernel_apply_strided(kernel, in.data(), c.inDist, guarded,
                                        c.outDist, 2),
              c.status)
        << c.inDist << " " << c.outDist;
    EXPECT_NE(std::string(bfly_last_error()).find(c.message), std::string::npos)
        << bfly_last_error();
    EXPECT_EQ(out, std::vector<float>(20, -1.0f));
  }
  // Out of place but overlapping the input: refused.
  EXPECT_EQ(
      bfly_kernel_apply_strided(kernel, in.data(), 4, in.data() + 2, 4, 2),
      BFLY_ERROR_OVERLAP);
  // Distance 0 reads one input vector for every output: allowed.
  ASSERT_EQ(bfly_kernel_apply_strided(kernel, in.data(), 0, guarded, 4, 2),
            BFLY_OK);
  EXPECT_EQ(std::vector<float>(out.begin() + 4, out.begin() + 12),
            (std::vector<float>{0, 1, 2, 3, 0, 1, 2, 3}));
  bfly_kernel_free(kernel);
}

/// The GPU descriptor check (no driver needed) names the field it refuses.
TEST(RuntimeTest, TheGpuDescriptorCheckNamesTheBadField) {
  static const char ptx[] = ".version 8.0\n.target sm_90\n";
  static const bfly_gpu_launch launches[] = {
      {"transform", 32, 512, 2, 0, 1}, {"transform_pass2", 64, 0, 4, 1, 8}};
  const bfly_gpu_kernel_descriptor good = {BFLY_GPU_KERNEL_ABI_VERSION,
                                           sizeof(bfly_gpu_kernel_descriptor),
                                           64,
                                           BFLY_DTYPE_COMPLEX_F32,
                                           BFLY_DTYPE_COMPLEX_F32,
                                           "dft",
                                           "ptx",
                                           "sm_90",
                                           ptx,
                                           int64_t(sizeof ptx - 1),
                                           2,
                                           1,
                                           launches,
                                           100,
                                           10,
                                           "fixture"};
  EXPECT_EQ(bfly_gpu_descriptor_check(&good, "good"), BFLY_OK)
      << bfly_last_error();
  struct Case {
    void (*damage)(bfly_gpu_kernel_descriptor &, bfly_gpu_launch *);
    const char *field;
  };
  using D = bfly_gpu_kernel_descriptor &;
  using L = bfly_gpu_launch *;
  for (const Case &c : {
           Case{[](D d, L) { d.n = 6; }, "n "},
           Case{[](D d, L) { d.n = int64_t(1) << 40; }, "n "},
           Case{[](D d, L) { d.input_dtype = 9; }, "input_dtype"},
           Case{[](D d, L) { d.provenance = nullptr; }, "provenance is null"},
           Case{[](D d, L) { d.isa = "cubin"; }, "isa"},
           Case{[](D d, L) { d.arch = "gfx90a"; }, "arch"},
           Case{[](D d, L) { d.image_size = 1000; }, "image_size"},
           Case{[](D d, L) { d.launch_count = 0; }, "launch_count"},
           Case{[](D d, L) { d.launch_count = 17; }, "launch_count"},
           Case{[](D d, L) { d.launches = nullptr; }, "launches is null"},
           Case{[](D d, L) { d.in_place = 2; }, "in_place"},
           Case{[](D, L l) { l[1].entry = nullptr; }, "launches[].entry"},
           Case{[](D, L l) { l[0].block_threads = 0; },
                "launches[].block_threads"},
           Case{[](D, L l) { l[0].vectors_per_block = 3; },
                "launches[].vectors_per_block"},
           Case{[](D, L l) { l[1].shared_bytes = -4; },
                "launches[].shared_bytes"},
           Case{[](D, L l) { l[1].tiles = 6; }, "launches[].tiles"},
           Case{[](D, L l) { l[1].tiles = 128; }, "launches[].tiles"},
           Case{[](D, L l) { l[0].reads_output = 1; },
                "launches[].reads_output"},
           Case{[](D, L l) { l[1].reads_output = 0; },
                "launches[].reads_output"},
       }) {
    bfly_gpu_kernel_descriptor d = good;
    bfly_gpu_launch copy[2] = {launches[0], launches[1]};
    d.launches = copy;
    c.damage(d, copy);
    EXPECT_EQ(bfly_gpu_descriptor_check(&d, "bad"), BFLY_ERROR_NOT_A_KERNEL)
        << c.field;
    std::string message = bfly_last_error();
    EXPECT_NE(message.find(std::string("malformed GPU descriptor: ") + c.field),
              std::string::npos)
        << message;
  }
  // A descriptor in memory (the JIT's) makes a kernel only with a driver.
  bfly_gpu_kernel *made = nullptr;
  bfly_status status = bfly_gpu_kernel_create(&good, nullptr, 0, &made);
  if (status == BFLY_OK) {
    bfly_gpu_kernel_free(made);
  } else {
    EXPECT_TRUE(status == BFLY_ERROR_NO_DRIVER ||
                status == BFLY_ERROR_NO_DEVICE)
        << bfly_last_error();
    EXPECT_EQ(made, nullptr);
  }
  bfly_gpu_kernel_descriptor broken = good;
  broken.launch_count = 0;
  EXPECT_EQ(bfly_gpu_kernel_create(&broken, "broken", 0, &made),
            BFLY_ERROR_NOT_A_KERNEL);
  EXPECT_EQ(bfly_gpu_kernel_create(nullptr, "none", 0, &made),
            BFLY_ERROR_INVALID_ARGUMENT);
  bfly_gpu_kernel_descriptor old = good;
  old.abi_version = 7;
  EXPECT_EQ(bfly_gpu_descriptor_check(&old, "old"), BFLY_ERROR_ABI_VERSION);
  EXPECT_EQ(bfly_gpu_descriptor_check(nullptr, "none"),
            BFLY_ERROR_NOT_A_KERNEL);
  bfly_gpu_kernel *kernel = nullptr;
  EXPECT_EQ(bfly_gpu_kernel_load(nullptr, 0, &kernel),
            BFLY_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(bfly_gpu_kernel_load("/nonexistent/libk.so", 0, &kernel),
            BFLY_ERROR_OPEN);
  EXPECT_EQ(bfly_gpu_kernel_load(fixture("copy_kernel").c_str(), 0, &kernel),
            BFLY_ERROR_NOT_A_KERNEL); // a CPU kernel, no GPU descriptor
  EXPECT_EQ(kernel, nullptr);
}

/// The copy kernel (n = 4) through plans: what lands where is the layout's
/// map, on one thread or several.
TEST(PlanTest, AppliesEveryLayoutOnAnyNumberOfThreads) {
  bfly::Kernel kernel = bfly::Kernel::load(fixture("copy_kernel"));
  ASSERT_TRUE(kernel) << kernel.error();
  constexpr int64_t kBatch = 13, kN = 4;
  std::vector<float> in(kBatch * kN * 3);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = float(i);
  for (int threads : {1, 2, 3, 16}) {
    bfly::Plan plan = bfly::Plan::create(kernel, threads);
    ASSERT_TRUE(plan) << plan.error();
    EXPECT_EQ(plan.threads(), threads);
    // Contiguous.
    std::vector<float> out(kBatch * kN, -1.0f);
    ASSERT_EQ(
        plan.execute(in.data(), out.data(), bfly_layout_contiguous(kN, kBatch)),
        BFLY_OK);
    EXPECT_EQ(out, std::vector<float>(in.begin(), in.begin() + kBatch * kN));
    // Column-major input (element i of vector b at b + i * batch) to rows
    // spaced 5 apart.
    std::vector<float> rows(kBatch * 5, -1.0f);
    bfly_layout columns{kBatch, 1, kBatch, 5, 1};
    ASSERT_EQ(plan.execute(in.data(), rows.data(), columns), BFLY_OK);
    for (int64_t b = 0; b < kBatch; ++b) {
      for (int64_t i = 0; i < kN; ++i)
        EXPECT_EQ(rows[b * 5 + i], in[b + i * kBatch]) << b << " " << i;
      EXPECT_EQ(rows[b * 5 + 4], -1.0f);
    }
    // In place with element stride 3: the elements between stay.
    std::vector<float> data = in;
    bfly_layout strided{kBatch, kN * 3, 3, kN * 3, 3};
    ASSERT_EQ(plan.execute(data.data(), data.data(), strided), BFLY_OK);
    EXPECT_EQ(data, in);
  }
}

TEST(PlanTest, RefusesBadCallsWithAStatusAndAMessage) {
  bfly::Kernel kernel = bfly::Kernel::load(fixture("copy_kernel"));
  ASSERT_TRUE(kernel);
  bfly_plan *raw = nullptr;
  EXPECT_EQ(bfly_plan_create(nullptr, 1, &raw), BFLY_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(bfly_plan_create(kernel.get(), -1, &raw),
            BFLY_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(bfly_last_error()).find("got -1"), std::string::npos);
  EXPECT_EQ(raw, nullptr);
  bfly::Plan plan = bfly::Plan::create(kernel, 2);
  ASSERT_TRUE(plan);
  std::vector<float> a(64), b(64);
  auto expectRefused = [&](const void *in, void *out, bfly_layout layout,
                           bfly_status status, const char *words) {
    EXPECT_EQ(plan.execute(in, out, layout), status) << words;
    EXPECT_NE(std::string(bfly_last_error()).find(words), std::string::npos)
        << bfly_last_error();
  };
  expectRefused(nullptr, b.data(), bfly_layout_contiguous(4, 1),
                BFLY_ERROR_INVALID_ARGUMENT, "null");
  expectRefused(a.data(), b.data(), bfly_layout_contiguous(4, 0),
                BFLY_ERROR_INVALID_ARGUMENT, "at least 1, got 0");
  expectRefused(a.data(), b.data(), bfly_layout_contiguous(4, -3),
                BFLY_ERROR_INVALID_ARGUMENT, "at least 1, got -3");
  expectRefused(a.data(), b.data(), {2, 4, 0, 4, 1},
                BFLY_ERROR_INVALID_ARGUMENT, "strides must be positive");
  expectRefused(a.data(), b.data(), {2, 4, 1, 4, -1},
                BFLY_ERROR_INVALID_ARGUMENT, "strides must be positive");
  expectRefused(a.data(), b.data(), {2, INT64_MAX / 2, 1, 4, 1},
                BFLY_ERROR_INVALID_ARGUMENT, "beyond 2^63");
  // Output vectors 2 apart share elements; so do dist 0 ones.
  expectRefused(a.data(), b.data(), {3, 4, 1, 2, 1}, BFLY_ERROR_OVERLAP,
                "output vectors overlap");
  expectRefused(a.data(), b.data(), {3, 4, 1, 0, 1}, BFLY_ERROR_OVERLAP,
                "output vectors overlap");
  // Out of place, one element apart.
  expectRefused(a.data(), a.data() + 1, bfly_layout_contiguous(4, 2),
                BFLY_ERROR_OVERLAP, "overlaps the input");
  // In place with another layout out.
  expectRefused(a.data(), a.data(), {2, 4, 1, 8, 1}, BFLY_ERROR_OVERLAP,
                "in place");
  // Input vectors may share elements (read twice); outputs are separate.
  EXPECT_EQ(plan.execute(a.data(), b.data(), {3, 0, 1, 4, 1}), BFLY_OK);
  bfly_plan_free(nullptr);
  EXPECT_EQ(bfly_plan_threads(nullptr), 0);
}

/// Kernels loaded, planned and run from several threads at once, each on
/// its own data and also sharing one plan.
TEST(PlanTest, KernelsLoadAndRunFromSeveralThreadsAtOnce) {
  bfly::Kernel shared = bfly::Kernel::load(fixture("copy_kernel"));
  ASSERT_TRUE(shared);
  bfly::Plan sharedPlan = bfly::Plan::create(shared, 2);
  ASSERT_TRUE(sharedPlan);
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        bfly::Kernel own = bfly::Kernel::load(fixture("copy_kernel"));
        bfly::Plan plan = bfly::Plan::create(own, 1 + round % 3);
        std::vector<float> in(4 * 9), out(4 * 9, 0.0f), viaShared(4 * 9);
        for (size_t i = 0; i < in.size(); ++i)
          in[i] = float(t * 1000 + round * 10 + int(i));
        bfly_layout layout = bfly_layout_contiguous(4, 9);
        if (!own || !plan || plan.execute(in.data(), out.data(), layout) ||
            sharedPlan.execute(in.data(), viaShared.data(), layout) ||
            out != in || viaShared != in)
          ++failures[t];
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(failures, std::vector<int>(8, 0));
}

} // namespace
