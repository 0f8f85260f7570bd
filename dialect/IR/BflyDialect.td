//===- BflyDialect.td - the bfly dialect and its enums -------*- tablegen -*-===//
#ifndef BFLY_DIALECT_TD
#define BFLY_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/EnumAttr.td"

def Bfly_Dialect : Dialect {
  let name = "bfly";
  let summary = "Butterfly factorizations of linear transforms";
  let description = [{
    The `bfly` dialect writes a fast linear transform as a chain of sparse
    factors acting on a 1-D tensor of N elements (N a power of two): butterfly
    stages (`bfly.stage`), permutations (`bfly.permute`), diagonal scalings
    (`bfly.diag`) and the conversions between real and complex vectors that a
    complex model of a real transform needs (`bfly.complex`, `bfly.real`).

    A transform is a `bfly.transform` whose body is such a chain. Every factor
    carries its constants as attributes, so the whole matrix is known at
    compile time; the code generator turns trivial constants into cheaper code.
    Batching is not part of the dialect: the kernel's outer loop adds it.
  }];
  let cppNamespace = "::mlir::bfly";
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// On a bfly.stage, an i64 naming its fuse group (bfly-fuse-stages):
    /// consecutive stages with equal values are one radix-2^k block.
    static constexpr ::llvm::StringLiteral kFuseGroupAttr = "bfly.fuse_group";
    /// On a lowered kernel function, the record bfly-export-kernel turns
    /// into the descriptor: name, n, input and output element types, flops,
    /// nonzero_twiddles and provenance.
    static constexpr ::llvm::StringLiteral kKernelAttr = "bfly.kernel";
    /// On a GPU kernel (convert-bfly-to-gpu), how it is launched: i64
    /// block_threads, vectors_per_block (dividing it) and shared_bytes
    /// (dynamic shared memory per block), and what the schedule found
    /// (phases, shared_layout, bank_transactions, ideal_transactions).
    static constexpr ::llvm::StringLiteral kGpuLaunchAttr = "bfly.gpu_launch";
  }];
}

def Bfly_PermutationKind : I32EnumAttr<"PermutationKind",
    "a named or explicit permutation", [
      I32EnumAttrCase<"Explicit", 0, "explicit">,
      I32EnumAttrCase<"BitReverse", 1, "bit_reverse">,
      I32EnumAttrCase<"EvenOdd", 2, "even_odd">,
      I32EnumAttrCase<"ReverseFirstHalf", 3, "reverse_first_half">,
      I32EnumAttrCase<"ReverseSecondHalf", 4, "reverse_second_half">]> {
  let cppNamespace = "::mlir::bfly";
}

#endif // BFLY_DIALECT_TD
