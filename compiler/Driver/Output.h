//===- Output.h - how the driver writes what it makes -----------*- C++ -*-===//
//
// Shared by the CPU and GPU halves of the driver: every file is written
// through a temporary and a rename, so a failure leaves nothing behind.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_DRIVER_OUTPUT_H
#define BFLY_COMPILER_DRIVER_OUTPUT_H

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace llvm {
class Module;
} // namespace llvm

namespace bfly {

/// Writes `bytes` to `path` atomically ("-": stdout).
llvm::Error writeOutput(llvm::StringRef path, llvm::StringRef bytes);

/// Links `object` into the shared object `outputPath` with the system's
/// `cc`, through a temporary file in the same folder.
llvm::Error linkShared(llvm::StringRef object, llvm::StringRef outputPath);

/// `module` (host code) as an object for the x86-64 baseline.
llvm::Expected<llvm::SmallString<0>> emitHostObject(llvm::Module &module);

} // namespace bfly

#endif // BFLY_COMPILER_DRIVER_OUTPUT_H
