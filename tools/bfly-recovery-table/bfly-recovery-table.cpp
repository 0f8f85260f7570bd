//===- bfly-recovery-table.cpp - the paper's recovery table, measured -----===//
#include "experiments/RecoveryTable.h"

#include "tools/ToolSupport.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <sstream>
#include <utility>

using namespace llvm;

static cl::OptionCategory toolCategory("bfly-recovery-table options");

static cl::opt<std::string> outputDir("o", cl::desc("Output folder"),
                                      cl::value_desc("dir"),
                                      cl::init("out/recovery"),
                                      cl::cat(toolCategory));
static cl::list<std::string> targets("targets", cl::desc("Targets (rows)"),
                                     cl::CommaSeparated, cl::cat(toolCategory));
static cl::list<int64_t> sizes("sizes", cl::desc("Sizes (columns)"),
                               cl::CommaSeparated, cl::cat(toolCategory));
static cl::opt<int64_t> gradientMaxSize(
    "gradient-max-n",
    cl::desc("Run the gradient method where the closed forms fail, up to "
             "this N (default 32)"),
    cl::init(32), cl::cat(toolCategory));
static cl::opt<double> gradientSeconds(
    "gradient-seconds",
    cl::desc("Gradient time limit at the largest such N, less below "
             "(default 10)"),
    cl::init(10), cl::cat(toolCategory));
static cl::opt<int>
    restarts("restarts", cl::desc("Gradient restarts per cell (default 128)"),
             cl::init(128), cl::cat(toolCategory));
static cl::opt<int> jobs("jobs", cl::desc("Restarts run at once (default 2)"),
                         cl::init(2), cl::cat(toolCategory));

static int fail(const Twine &message) {
  return bfly::tool::fail("bfly-recovery-table", message);
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  bfly::tool::initCommandLine("bfly-recovery-table", {&toolCategory});
  cl::ParseCommandLineOptions(
      argc, argv,
      "bfly-recovery-table: the paper's recovery table, measured by "
      "bfly-learn\n");
  bfly::RecoveryOptions options;
  if (!targets.empty())
    options.targets.assign(targets.begin(), targets.end());
  if (!sizes.empty())
    options.sizes.assign(sizes.begin(), sizes.end());
  for (const std::string &name : options.targets)
    if (!bfly::makeTarget(name, 8))
      return fail("unknown target '" + name + "'");
  for (int64_t n : options.sizes)
    if (std::optional<std::string> problem = bfly::targetSizeProblem(n))
      return fail("--sizes " + Twine(n) + ": " + *problem);
  options.gradientMaxSize = gradientMaxSize;
  options.gradientSeconds = gradientSeconds;
  options.gradientRestarts = std::max(1, restarts.getValue());
  options.jobs = std::max(1, jobs.getValue());
  options.progress = [](const std::string &line) { errs() << line << "\n"; };
  // Before any fit: a folder that cannot be written is known at once.
  if (std::error_code error = sys::fs::create_directories(outputDir))
    return fail("cannot create '" + outputDir + "': " + error.message());
  if (std::optional<std::string> problem =
          bfly::tool::outputPathProblem(outputDir + "/recovery.md"))
    return fail(*problem);

  std::vector<bfly::RecoveryCell> cells = bfly::runRecoveryTable(options);
  std::ostringstream markdown, csv;
  bfly::writeRecoveryMarkdown(markdown, cells, options);
  bfly::writeRecoveryCsv(csv, cells);
  // Each file appears whole or not at all.
  for (auto [name, text] : {std::pair{"/recovery.md", markdown.str()},
                            std::pair{"/recovery.csv", csv.str()}})
    if (Error error = writeToOutput(outputDir + name, [&](raw_ostream &os) {
          os << text;
          return Error::success();
        }))
      return fail(toString(std::move(error)));
  outs() << markdown.str();
  std::string message;
  if (!bfly::plotRecoveryHeatmap(cells, options, outputDir + "/recovery.png",
                                 message))
    WithColor::warning(errs(), "bfly-recovery-table") << message << "\n";
  return 0;
}
