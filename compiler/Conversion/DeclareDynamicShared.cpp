//===- DeclareDynamicShared.cpp - dynamic shared memory as .extern .shared ===//
//
// A workaround for MLIR 22's NVVM lowering (see the pass's description in
// Passes.td): the zero-length workgroup global that stands for dynamic
// shared memory must be an external declaration for PTX to address the
// dynamic region rather than a static byte before it.
//
//===----------------------------------------------------------------------===//
#include "compiler/Conversion/Passes.h"

namespace mlir::bfly {
#define GEN_PASS_DEF_BFLYDECLAREDYNAMICSHARED
#include "compiler/Conversion/Passes.h.inc"
} // namespace mlir::bfly

using namespace mlir;

namespace {
/// The NVVM address space of workgroup (shared) memory.
constexpr unsigned kSharedAddressSpace = 3;

struct BflyDeclareDynamicSharedPass
    : mlir::bfly::impl::BflyDeclareDynamicSharedBase<
          BflyDeclareDynamicSharedPass> {
  void runOnOperation() override {
    getOperation().walk([](LLVM::GlobalOp global) {
      auto array = dyn_cast<LLVM::LLVMArrayType>(global.getGlobalType());
      if (global.getAddrSpace() != kSharedAddressSpace || !array ||
          array.getNumElements() != 0)
        return;
      global.setLinkage(LLVM::Linkage::External);
      global.removeValueAttr();
      global.getInitializerRegion().getBlocks().clear();
    });
  }
};
} // namespace
