//===- TunerTest.cpp - the tuner's choice, its timings and its wisdom -----===//
#include "compiler/Driver/Tuner.h"

#include "compiler/Import/FactorizationIR.h"
#include "compiler/Model/Factorization.h"
#include "test/lib/TempDir.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

#include <fstream>

namespace bfly {
namespace {

using test::TempDir;

TEST(TunerTest, ChoicesPrintAndParseBack) {
  TuneChoice choice{16, 256, 32768};
  EXPECT_EQ(choice.str(), "max-radix=16 vector-bits=256 block-bytes=32768");
  std::optional<TuneChoice> parsed = TuneChoice::parse(choice.str());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->str(), choice.str());
  EXPECT_FALSE(TuneChoice::parse("max-radix=16 vector-bits=256"));
  EXPECT_FALSE(TuneChoice::parse("max-radix=x vector-bits=256 block-bytes=1"));
  EXPECT_FALSE(TuneChoice::parse("radix=16 vector-bits=256 block-bytes=1"));
}

/// The tuner times the default and its variants, keeps the fastest it
/// timed, records it, and on a second call returns it without timing;
/// a damaged line in the wisdom file is ignored and replaced.
TEST(TunerTest, KeepsTheFastestAndRemembersIt) {
  TempDir dir;
  std::string wisdom = dir.file("sub/wisdom.txt");
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> model =
      factorizationToModule(context, Factorization::dft(256));
  CompileOptions base;
  llvm::Expected<TuneResult> first = tuneModel(*model, base, wisdom);
  ASSERT_TRUE(bool(first)) << llvm::toString(first.takeError());
  EXPECT_FALSE(first->fromWisdom);
  ASSERT_GE(first->timings.size(), 3u);
  EXPECT_EQ(first->timings.front().first.maxRadix, base.maxRadix);
  for (const auto &[choice, us] : first->timings) {
    EXPECT_GT(us, 0.0) << choice.str();
    EXPECT_GE(us, first->bestMicroseconds()) << choice.str();
  }
  EXPECT_GT(first->defaultMicroseconds(), 0.0);

  llvm::Expected<TuneResult> second = tuneModel(*model, base, wisdom);
  ASSERT_TRUE(bool(second)) << llvm::toString(second.takeError());
  EXPECT_TRUE(second->fromWisdom);
  EXPECT_TRUE(second->timings.empty());
  EXPECT_EQ(second->best.str(), first->best.str());

  // A line that does not parse is not wisdom: the model is timed again and
  // the file keeps one good line for it.
  auto text = llvm::MemoryBuffer::getFile(wisdom);
  ASSERT_TRUE(bool(text));
  std::string key = (*text)->getBuffer().split(' ').first.str();
  std::ofstream(wisdom) << key << " max-radix=banana\n";
  llvm::Expected<TuneResult> third = tuneModel(*model, base, wisdom);
  ASSERT_TRUE(bool(third)) << llvm::toString(third.takeError());
  EXPECT_FALSE(third->fromWisdom);
  text = llvm::MemoryBuffer::getFile(wisdom);
  ASSERT_TRUE(bool(text));
  EXPECT_EQ((*text)->getBuffer().count('\n'), 1u);
  EXPECT_EQ((*text)->getBuffer().find("banana"), llvm::StringRef::npos);

  // Wisdom that cannot be written is an error, not a silent loss.
  std::ofstream(dir.file("plain")) << "x";
  llvm::Expected<TuneResult> unwritable =
      tuneModel(*model, base, dir.file("plain/wisdom.txt"));
  ASSERT_FALSE(bool(unwritable));
  EXPECT_NE(llvm::toString(unwritable.takeError()).find("wisdom"),
            std::string::npos);
}

} // namespace
} // namespace bfly
