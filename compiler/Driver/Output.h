//===- Output.h - how the driver writes what it makes -----------*- C++ -*-===//
//
// Shared by the CPU and GPU halves of the driver: every file is written
// through a temporary and a rename, so a failure leaves nothing behind.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_DRIVER_OUTPUT_H
#define BFLY_COMPILER_DRIVER_OUTPUT_H

#include "compiler/Driver/Compiler.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace llvm {
class Module;
} // namespace llvm

namespace bfly {

/// Writes `bytes` to `path` atomically ("-": stdout).
llvm::Error writeOutput(llvm::StringRef path, llvm::StringRef bytes);

/// Links `objects` into the shared object `outputPath` with the system's
/// `cc`, through a temporary file in the same folder.
llvm::Error linkShared(llvm::ArrayRef<llvm::StringRef> objects,
                       llvm::StringRef outputPath);

/// The CPU kernel of `model` (consumed: lowered in place) as an object with
/// the kernel ABI, for options.cpu.
llvm::Expected<llvm::SmallString<0>>
compileCpuObject(mlir::ModuleOp model, const CompileOptions &options);

/// `module` (host code) as an object for the x86-64 baseline.
llvm::Expected<llvm::SmallString<0>> emitHostObject(llvm::Module &module);

} // namespace bfly

#endif // BFLY_COMPILER_DRIVER_OUTPUT_H
