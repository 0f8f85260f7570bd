//===- ToolSupport.h - what every bfly tool's main does the same way -*- C++
//-*-===//
//
// LLVM-style conventions shared by the tools: "tool: error: ..." messages,
// --version naming bfly's version, a --help that lists only the tool's own
// options, and the command line kept in provenance.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_TOOLS_TOOLSUPPORT_H
#define BFLY_TOOLS_TOOLSUPPORT_H

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace bfly::tool {

/// Call before parsing options: --version prints "<tool> (bfly) <version>"
/// and the LLVM it was built with, and --help lists only the options in
/// `categories` (and LLVM's generic ones such as --help itself); the
/// options LLVM's libraries register (code generators, passes) stay
/// reachable behind --help-hidden.
inline void
initCommandLine(llvm::StringRef tool,
                llvm::ArrayRef<const llvm::cl::OptionCategory *> categories) {
  std::string name = tool.str();
  llvm::cl::SetVersionPrinter([name](llvm::raw_ostream &os) {
    os << name
       << " (bfly) " BFLY_VERSION "\n  built with LLVM " LLVM_VERSION_STRING
          "\n";
  });
  // cl::HideUnrelatedOptions would make them unreachable even by
  // --help-hidden: hide them one level less.
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::cl::Option *option = entry.second;
    llvm::StringRef name = entry.first;
    bool generic = name == "help" || name == "help-list" ||
                   name == "help-hidden" || name == "help-list-hidden" ||
                   name == "version";
    bool own = llvm::any_of(option->Categories, [&](auto *category) {
      return llvm::is_contained(categories, category);
    });
    if (!generic && !own &&
        option->getOptionHiddenFlag() == llvm::cl::NotHidden)
      option->setHiddenFlag(llvm::cl::Hidden);
  }
}

/// Prints "<tool>: error: <message>" and returns `status` for main.
inline int fail(llvm::StringRef tool, const llvm::Twine &message,
                int status = 1) {
  llvm::WithColor::error(llvm::errs(), tool) << message << "\n";
  return status;
}

/// Why `path` cannot be written ("-", stdout, always can), found before
/// any work starts: a missing folder, a folder that cannot be written, a
/// folder in the file's place. The file itself is not created.
inline std::optional<std::string> outputPathProblem(llvm::StringRef path) {
  if (path.empty() || path == "-")
    return std::nullopt;
  if (llvm::sys::fs::is_directory(path))
    return "cannot write '" + path.str() + "': it is a folder";
  llvm::SmallString<128> folder(path);
  llvm::sys::path::remove_filename(folder);
  if (folder.empty())
    folder = ".";
  llvm::SmallString<128> probe;
  int fd = -1;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(
          folder + "/.bfly-write-probe-%%%%%%", fd, probe))
    return "cannot write '" + path.str() + "': " + ec.message();
  llvm::sys::fs::closeFile(fd);
  llvm::sys::fs::remove(probe);
  return std::nullopt;
}

/// "<tool> arg1 arg2 ...": how an artifact was made.
inline std::string commandLine(llvm::StringRef tool, int argc, char **argv) {
  std::string line = tool.str();
  for (int i = 1; i < argc; ++i)
    line += std::string(" ") + argv[i];
  return line;
}

} // namespace bfly::tool

#endif // BFLY_TOOLS_TOOLSUPPORT_H
