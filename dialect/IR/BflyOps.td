//===- BflyOps.td - bfly dialect operations ------------------*- tablegen -*-===//
#ifndef BFLY_OPS_TD
#define BFLY_OPS_TD

include "dialect/IR/BflyDialect.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/CallInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

class Bfly_Op<string mnemonic, list<Trait> traits = []>
    : Op<Bfly_Dialect, mnemonic, !listconcat(traits, [Pure])>;

/// A factor of a transform's chain: it lives only in a bfly.transform.
class Bfly_FactorOp<string mnemonic, list<Trait> traits = []>
    : Bfly_Op<mnemonic, !listconcat(traits,
                                    [HasParent<"::mlir::bfly::TransformOp">])>;

def Bfly_Vector : RankedTensorOf<[F32, F64, Complex<F32>, Complex<F64>], [HasStaticShapePred]>;
def Bfly_RealVector : RankedTensorOf<[F32, F64], [HasStaticShapePred]>;
def Bfly_ComplexVector : RankedTensorOf<[Complex<F32>, Complex<F64>], [HasStaticShapePred]>;

def Bfly_ConstantsAttr : Attr<CPred<"::llvm::isa<::mlir::DenseElementsAttr>($_self)">,
                              "dense constant array"> {
  let storageType = [{ ::mlir::DenseElementsAttr }];
  let returnType = [{ ::mlir::DenseElementsAttr }];
  let convertFromStorage = "$_self";
}


def Bfly_TransformOp : Op<Bfly_Dialect, "transform", [
    FunctionOpInterface, IsolatedFromAbove]> {
  let summary = "a linear transform written as a chain of butterfly factors";
  let description = [{
    A transform maps one vector to one vector through a chain of factors:
    its body takes the argument through `bfly.stage`, `bfly.permute` and
    `bfly.diag` ops, each applied to the previous one's result, and returns
    the last value with `bfly.return`. A real input of a complex chain is
    embedded by a `bfly.complex` that starts the chain, and a real output is
    taken by a `bfly.real` that ends it. Every vector of the chain has its
    length N, a power of two; edges at its ends fit the caller's lengths
    (`bfly.pad` or `bfly.pack` or `bfly.pack_spectrum` first, before any
    `bfly.complex`; `bfly.truncate` or `bfly.unpack` or
    `bfly.real_spectrum` last, after any `bfly.real`). In SPL notation the transform is
    the product F_k ... F_2 F_1 of its factors, F_1 applied first.

    That chain rule is verified here, once: passes and lowerings rely on it.
    The symbol is the kernel's name; `provenance` records where the model
    came from (strings: target, method, rmse, tool ...), and `prune_bound`
    the bound `bfly-prune-twiddles` reported.

    Example:

    ```mlir
    bfly.transform @hadamard2(%x: tensor<2xf32>) -> tensor<2xf32>
        attributes {provenance = {target = "hadamard"}} {
      %y = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]>
          : tensor<1x2x2xf32> : tensor<2xf32>
      bfly.return %y : tensor<2xf32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<StrAttr>:$sym_visibility,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs,
                       OptionalAttr<DictionaryAttr>:$provenance,
                       OptionalAttr<F64Attr>:$prune_bound);
  let regions = (region AnyRegion:$body);
  let builders = [OpBuilder<(ins "::llvm::StringRef":$name,
                                 "::mlir::FunctionType":$type)>];
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    //===------------------------------------------------------------------===//
    // FunctionOpInterface
    //===------------------------------------------------------------------===//
    ::mlir::Region *getCallableRegion() {
      return isExternal() ? nullptr : &getBody();
    }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() {
      return getFunctionType().getInputs();
    }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() {
      return getFunctionType().getResults();
    }

    //===------------------------------------------------------------------===//
    // The chain (valid once the op verifies)
    //===------------------------------------------------------------------===//
    /// The factors in the order they apply (bfly.complex and bfly.real
    /// included), without the terminator.
    ::llvm::SmallVector<::mlir::Operation *> getFactors();
    /// The vector the chain starts from and the one it returns.
    ::mlir::Value getInput() { return getBody().front().getArgument(0); }
    ::mlir::Value getOutput();
    ::mlir::RankedTensorType getInputType() {
      return ::llvm::cast<::mlir::RankedTensorType>(getArgumentTypes()[0]);
    }
    ::mlir::RankedTensorType getOutputType() {
      return ::llvm::cast<::mlir::RankedTensorType>(getResultTypes()[0]);
    }
    /// The edge that brings the caller's input to the chain's length
    /// (bfly.pad, bfly.pack or bfly.pack_spectrum, the first factor), and
    /// the one that takes the chain's result to the caller's output length
    /// (bfly.truncate, bfly.unpack or bfly.real_spectrum, the last); null
    /// where the lengths agree.
    ::mlir::Operation *getInputEdge();
    ::mlir::Operation *getOutputEdge();
    /// N, the length of every vector of the chain between its edges.
    int64_t getLength();
  }];
}

def Bfly_ReturnOp : Bfly_Op<"return", [
    Terminator, ReturnLike, HasParent<"::mlir::bfly::TransformOp">]> {
  let summary = "ends a transform with the chain's last value";
  let description = [{
    The terminator of a `bfly.transform`: returns the value its last factor
    computed (the argument itself for an empty chain, the identity).

    Example:

    ```mlir
    bfly.transform @identity(%x: tensor<4xf64>) -> tensor<4xf64> {
      bfly.return %x : tensor<4xf64>
    }
    ```
  }];
  let arguments = (ins Bfly_Vector:$result);
  let assemblyFormat = "$result attr-dict `:` type($result)";
}

def Bfly_StageOp : Bfly_FactorOp<"stage", [SameOperandsAndResultType]> {
  let summary = "one butterfly factor: 2x2 twiddles on pairs at a given stride";
  let description = [{
    For a vector of N elements and a stride h (a power of two below N), the
    stage splits the vector into N / 2h blocks of 2h elements and, in every
    block starting at b, mixes each pair (b + j, b + j + h), j < h, with a 2x2
    matrix T:

    ```
    y[b + j]     = T[0][0] * x[b + j] + T[0][1] * x[b + j + h]
    y[b + j + h] = T[1][0] * x[b + j] + T[1][1] * x[b + j + h]
    ```

    In SPL notation an untied stage is a block diagonal of N / 2h matrices
    `[D00 D01; D10 D11]` of h x h diagonals; a tied stage is
    `I_{N/2h} (x) ([D00 D01; D10 D11])`, the same block everywhere.
    A stage whose matrices are all exactly the identity folds away.

    `twiddles` holds the 2x2 matrices, with the operand's element type:
    shape `[N/2, 2, 2]` (untied: pair p = (b / 2h) * h + j has its own) or
    `[h, 2, 2]` (tied: every block shares the matrices of its h pairs). When
    h = N/2 the two shapes coincide, and so do the meanings.

    Example:

    ```mlir
    %y = bfly.stage %x stride 1 twiddles dense<[[[1.0, 1.0], [1.0, -1.0]]]>
        : tensor<1x2x2xf32> : tensor<4xf32>
    ```
  }];
  let arguments = (ins Bfly_Vector:$input, I64Attr:$stride,
                       Bfly_ConstantsAttr:$twiddles);
  let results = (outs Bfly_Vector:$result);
  let assemblyFormat = [{
    $input `stride` $stride `twiddles` $twiddles attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// True when all blocks share one set of h twiddle matrices.
    bool isTied();
  }];
}

def Bfly_PermuteOp : Bfly_FactorOp<"permute", [SameOperandsAndResultType]> {
  let summary = "a permutation of the elements, named or explicit";
  let description = [{
    Gathers `y[i] = x[P(i)]`. `explicit` permutations give P as `indices`
    (a bijection of 0..N-1). Named permutations act inside every contiguous
    block of `block` elements (default: the whole vector), with m = block:

    - `bit_reverse`: P(i) reverses the log2(m) bits of i;
    - `even_odd`: the even elements first, then the odd ones,
      P(i) = 2i for i < m/2 and 2(i - m/2) + 1 after;
    - `reverse_first_half`: the first m/2 elements in reverse order;
    - `reverse_second_half`: the last m/2 elements in reverse order.

    The last three are the paper's three choices per level of a learned
    permutation; `bit_reverse` is their product of even/odd levels.
    Canonicalization composes a permutation of a permutation into one
    (named when the product is a whole-vector name), and an identity
    permutation folds away.

    Example:

    ```mlir
    %y = bfly.permute %x bit_reverse : tensor<8xcomplex<f32>>
    %z = bfly.permute %y even_odd block 4 : tensor<8xcomplex<f32>>
    %w = bfly.permute %z explicit indices [1, 0, 3, 2, 5, 4, 7, 6] : tensor<8xcomplex<f32>>
    ```
  }];
  let arguments = (ins Bfly_Vector:$input, Bfly_PermutationKind:$kind,
                       OptionalAttr<I64Attr>:$block,
                       OptionalAttr<DenseI64ArrayAttr>:$indices);
  let results = (outs Bfly_Vector:$result);
  let assemblyFormat = [{
    $input $kind (`block` $block^)? (`indices` $indices^)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    /// The gather table P, resolved for named kinds: y[i] = x[P[i]].
    ::llvm::SmallVector<int64_t> getPermutation();
    /// `input` gathered by `table`: no op for the identity, a named
    /// permutation when the table is one, else explicit indices.
    static ::mlir::Value createFromTable(::mlir::OpBuilder &builder,
                                         ::mlir::Location loc,
                                         ::mlir::Value input,
                                         ::llvm::ArrayRef<int64_t> table);
  }];
}

def Bfly_DiagOp : Bfly_FactorOp<"diag", [SameOperandsAndResultType]> {
  let summary = "elementwise multiplication by constants";
  let description = [{
    `y[i] = d[i] * x[i]`, the diagonal matrix `diag(d)`; a scaling of the
    whole transform is a diagonal with equal entries. `d` has N entries of the
    operand's element type. Canonicalization multiplies a diagonal of a
    diagonal into one; a diagonal of ones folds away.

    Example:

    ```mlir
    %y = bfly.diag %x by dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf64> : tensor<4xf64>
    ```
  }];
  let arguments = (ins Bfly_Vector:$input, Bfly_ConstantsAttr:$diagonal);
  let results = (outs Bfly_Vector:$result);
  let assemblyFormat = "$input `by` $diagonal attr-dict `:` type($input)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Bfly_ComplexOp : Bfly_FactorOp<"complex"> {
  let summary = "embeds a real vector in the complex vectors";
  let description = [{
    `y[i] = x[i] + 0i`: where a real input meets a complex model.

    Example:

    ```mlir
    %y = bfly.complex %x : tensor<4xf32> -> tensor<4xcomplex<f32>>
    ```
  }];
  let arguments = (ins Bfly_RealVector:$input);
  let results = (outs Bfly_ComplexVector:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Bfly_RealOp : Bfly_FactorOp<"real"> {
  let summary = "the real part of a complex vector";
  let description = [{
    `y[i] = Re(x[i])`: a complex model of a real transform ends here.

    Example:

    ```mlir
    %y = bfly.real %x : tensor<4xcomplex<f32>> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Bfly_ComplexVector:$input);
  let results = (outs Bfly_RealVector:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Edges: where a chain's vectors differ in length from the caller's
//===----------------------------------------------------------------------===//

def Bfly_PadOp : Bfly_FactorOp<"pad"> {
  let summary = "zero-extends a shorter input to the chain's length";
  let description = [{
    `y[i] = x[i]` for i < m and `y[i] = 0` up to N: a map with m < N inputs
    (a rectangular matrix, a length that is not a power of two) starts its
    chain here. Same element type; may only start a chain (a `bfly.complex`
    may follow it).
    Example:
    ```mlir
    %y = bfly.pad %x : tensor<300xf32> -> tensor<512xf32>
    ```
  }];
  let arguments = (ins Bfly_Vector:$input);
  let results = (outs Bfly_Vector:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Bfly_TruncateOp : Bfly_FactorOp<"truncate"> {
  let summary = "keeps the first m elements of the chain's result";
  let description = [{
    `y[i] = x[i]` for i < m < N: a map with fewer outputs than the chain's
    length ends here (a `bfly.real` may precede it). Same element type.
    Example:
    ```mlir
    %y = bfly.truncate %x : tensor<512xf32> -> tensor<100xf32>
    ```
  }];
  let arguments = (ins Bfly_Vector:$input);
  let results = (outs Bfly_Vector:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Bfly_PackOp : Bfly_FactorOp<"pack"> {
  let summary = "a real vector read as complex pairs";
  let description = [{
    `z[j] = x[2j] + i x[2j+1]`: 2M reals become M complex numbers, the same
    bytes in memory, so the lowering does no work for it. A real-input DFT
    starts here (a DFT of M points and `bfly.real_spectrum` follow).
    Example:
    ```mlir
    %z = bfly.pack %x : tensor<8xf32> -> tensor<4xcomplex<f32>>
    ```
  }];
  let arguments = (ins Bfly_RealVector:$input);
  let results = (outs Bfly_ComplexVector:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Bfly_UnpackOp : Bfly_FactorOp<"unpack"> {
  let summary = "complex pairs written out as a real vector";
  let description = [{
    `x[2j] = Re z[j]`, `x[2j+1] = Im z[j]`: the inverse of `bfly.pack`, where
    a complex-to-real DFT ends.
    Example:
    ```mlir
    %x = bfly.unpack %z : tensor<4xcomplex<f32>> -> tensor<8xf32>
    ```
  }];
  let arguments = (ins Bfly_ComplexVector:$input);
  let results = (outs Bfly_RealVector:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Bfly_RealSpectrumOp : Bfly_FactorOp<"real_spectrum"> {
  let summary = "the half spectrum of a real signal from its packed DFT";
  let description = [{
    With n = 2M and w = exp(-2 pi i / n), from Z (the DFT of M points of a
    real signal x packed by `bfly.pack`) the first M + 1 bins of x's DFT,
    FFTW's r2c layout (indices of Z modulo M):
    ```
    E[k] = (Z[k] + conj Z[M-k]) / 2,  O[k] = (Z[k] - conj Z[M-k]) / 2i
    X[k] = E[k] + w^k O[k],           k = 0 .. M
    ```
    Linear over the reals only (it conjugates), so it may only end a chain.
    Example:
    ```mlir
    %x = bfly.real_spectrum %z : tensor<4xcomplex<f32>> -> tensor<5xcomplex<f32>>
    ```
  }];
  let arguments = (ins Bfly_ComplexVector:$input);
  let results = (outs Bfly_ComplexVector:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Bfly_PackSpectrumOp : Bfly_FactorOp<"pack_spectrum"> {
  let summary = "a half spectrum packed for a complex-to-real DFT";
  let description = [{
    From the M + 1 bins X of a real signal's spectrum (the imaginary parts
    of X[0] and X[M] are ignored, as FFTW's c2r does), with w as in
    `bfly.real_spectrum`:
    ```
    Z[k] = (X[k] + conj X[M-k]) + i (X[k] - conj X[M-k]) / w^k,  k = 0 .. M-1
    ```
    twice the inverse of `bfly.real_spectrum`: followed by an unnormalized
    inverse DFT of M points and `bfly.unpack` it is FFTW's c2r, n times the
    inverse of r2c. May only start a chain.
    Example:
    ```mlir
    %z = bfly.pack_spectrum %x : tensor<5xcomplex<f32>> -> tensor<4xcomplex<f32>>
    ```
  }];
  let arguments = (ins Bfly_ComplexVector:$input);
  let results = (outs Bfly_ComplexVector:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

#endif // BFLY_OPS_TD
