//===- KernelDescriptorTest.cpp - the generated descriptor is the C struct ===//
//
// The contract at the ABI seam: the LLVM struct bfly-export-kernel builds
// (kernelDescriptorFields), laid out by this host's LLVM data layout, has
// every field at the offset and of the size the C compiler gives
// bfly_kernel_descriptor in kernel_abi.h.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/KernelDescriptor.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/Target/LLVMIR/TypeToLLVM.h"
#include "runtime/include/bfly/kernel_abi.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <memory>

namespace {

/// offsetof and sizeof of every field, in declaration order.
struct CField {
  const char *name;
  size_t offset, size;
};
#define BFLY_FIELD(f)                                                          \
  CField {                                                                     \
#f, offsetof(bfly_kernel_descriptor, f),                                   \
        sizeof(((bfly_kernel_descriptor *)nullptr)->f)                         \
  }
const CField kFields[] = {
    BFLY_FIELD(abi_version),
    BFLY_FIELD(descriptor_size),
    BFLY_FIELD(n),
    BFLY_FIELD(output_n),
    BFLY_FIELD(input_dtype),
    BFLY_FIELD(output_dtype),
    BFLY_FIELD(name),
    BFLY_FIELD(cpu),
    BFLY_FIELD(cpu_features),
    BFLY_FIELD(flops),
    BFLY_FIELD(nonzero_twiddles),
    BFLY_FIELD(provenance),
    BFLY_FIELD(apply),
    BFLY_FIELD(phases),
    BFLY_FIELD(phase_scratch_bytes),
    BFLY_FIELD(apply_phase),
};
#undef BFLY_FIELD

TEST(KernelDescriptorTest, GeneratedLayoutIsTheCStruct) {
  llvm::InitializeNativeTarget();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  ASSERT_NE(target, nullptr) << error;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, "generic", "", llvm::TargetOptions(), std::nullopt));
  ASSERT_NE(machine, nullptr);
  llvm::DataLayout layout = machine->createDataLayout();

  mlir::MLIRContext context;
  context.loadDialect<mlir::LLVM::LLVMDialect>();
  auto generated = mlir::LLVM::LLVMStructType::getLiteral(
      &context, mlir::bfly::kernelDescriptorFields(&context));
  llvm::LLVMContext llvmContext;
  mlir::LLVM::TypeToLLVMIRTranslator translator(llvmContext);
  auto *type =
      llvm::cast<llvm::StructType>(translator.translateType(generated));

  ASSERT_EQ(type->getNumElements(), std::size(kFields))
      << "kernel_abi.h and kernelDescriptorFields disagree on the field count";
  const llvm::StructLayout *fields = layout.getStructLayout(type);
  for (unsigned i = 0; i < type->getNumElements(); ++i) {
    EXPECT_EQ(fields->getElementOffset(i), kFields[i].offset)
        << kFields[i].name;
    EXPECT_EQ(layout.getTypeAllocSize(type->getElementType(i)), kFields[i].size)
        << kFields[i].name;
  }
  EXPECT_EQ(fields->getSizeInBytes(), sizeof(bfly_kernel_descriptor));
}

} // namespace
