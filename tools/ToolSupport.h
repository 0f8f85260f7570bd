//===- ToolSupport.h - what every bfly tool's main does the same way -*- C++
//-*-===//
//
// LLVM-style conventions shared by the tools: "tool: error: ..." messages,
// "bfly <version>" in --version, and the command line kept in provenance.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_TOOLS_TOOLSUPPORT_H
#define BFLY_TOOLS_TOOLSUPPORT_H

#include "llvm/ADT/Twine.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace bfly::tool {

/// Adds "bfly <version>" to --version; call before parsing options.
inline void addVersionPrinter() {
  llvm::cl::AddExtraVersionPrinter(
      [](llvm::raw_ostream &os) { os << "bfly " BFLY_VERSION "\n"; });
}

/// Prints "<tool>: error: <message>" and returns `status` for main.
inline int fail(llvm::StringRef tool, const llvm::Twine &message,
                int status = 1) {
  llvm::WithColor::error(llvm::errs(), tool) << message << "\n";
  return status;
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
