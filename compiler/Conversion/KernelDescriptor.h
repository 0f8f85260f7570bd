//===- KernelDescriptor.h - the descriptor's layout in the LLVM dialect -*- C++
//-*-===//
//
// bfly_kernel_descriptor (runtime/include/bfly/kernel_abi.h) as the LLVM
// struct bfly-export-kernel builds: one list of field types, in the C
// struct's order, which KernelDescriptorTest checks against the C
// compiler's offsets and sizes.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_CONVERSION_KERNELDESCRIPTOR_H
#define BFLY_COMPILER_CONVERSION_KERNELDESCRIPTOR_H

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Types.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::bfly {

/// The LLVM-dialect types of the descriptor's fields, in order.
SmallVector<Type> kernelDescriptorFields(MLIRContext *context);

} // namespace mlir::bfly

#endif // BFLY_COMPILER_CONVERSION_KERNELDESCRIPTOR_H
