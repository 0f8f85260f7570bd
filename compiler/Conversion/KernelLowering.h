//===- KernelLowering.h - what every bfly kernel lowering shares -*- C++
//-*-===//
//
// convert-bfly-to-loops and convert-bfly-to-vector differ in how a factor
// becomes code; they agree on the kernel function's signature, on the
// `bfly.kernel` dictionary bfly-export-kernel reads and on how a stage's
// pairs are indexed in IR. That agreement lives here; what a transform is,
// bfly.transform's verifier says.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_CONVERSION_KERNELLOWERING_H
#define BFLY_COMPILER_CONVERSION_KERNELLOWERING_H

#include "dialect/IR/BflyOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::bfly {

/// Is `type` a tensor of complex numbers?
bool isComplexVector(Type type);

/// The constants of an attribute as a flat list of scalars (re, im, re, ...
/// for complex ones).
SmallVector<APFloat> flatten(DenseElementsAttr attr);

/// A private constant memref.global holding `values` at the start of
/// `symbols`' region (renamed if `prefix` is taken).
memref::GlobalOp declareConstantGlobal(ImplicitLocOpBuilder &b,
                                       SymbolTable &symbols, StringRef prefix,
                                       DenseElementsAttr values);

/// declareConstantGlobal, and the global's address at the builder's
/// insertion point.
Value constantGlobal(ImplicitLocOpBuilder &b, SymbolTable &symbols,
                     StringRef prefix, DenseElementsAttr values);

/// An scf.for from 0 to `count` by `step` whose body `body` builds at `b`
/// (given the induction variable); `b` is back after the loop afterwards.
void emitLoop(ImplicitLocOpBuilder &b, int64_t count, int64_t step,
              function_ref<void(Value)> body);

/// A share of a loop's iterations: part `part` (an index value) of `parts`
/// runs of nearly equal length, so threads can split one sweep over a
/// vector.
struct LoopPart {
  Value part, parts;
};

/// emitLoop restricted to `share`'s run of its iterations.
void emitLoopPart(ImplicitLocOpBuilder &b, int64_t count, int64_t step,
                  LoopPart share, function_ref<void(Value)> body);

/// A transform being replaced by its kernel: `(in: memref<K x S>, out:
/// memref<K' x S>) -> ()`, K = inputLength or twice it (complex,
/// interleaved), K' likewise.
struct KernelSignature {
  int64_t n; ///< the chain's length
  bool complexIn, complexOut;
  Type scalar; ///< f32 or f64
  /// The caller's lengths, n unless the chain has edges (bfly.pad ...).
  int64_t inputLength, outputLength;
};

/// Real operations per bin of bfly.real_spectrum and bfly.pack_spectrum as
/// KernelEdges lowers them (the flops a kernel's record counts): 16 per
/// mirrored pair of bins.
inline constexpr int64_t kSpectrumFlopsPerBin = 8;

/// The signature of `transform`'s kernel.
KernelSignature kernelSignature(TransformOp transform);

/// An empty kernel function for `transform` next to it, with the builder
/// at the start of its body.
func::FuncOp createKernel(ImplicitLocOpBuilder &b, SymbolTable &symbols,
                          TransformOp transform,
                          const KernelSignature &signature);

/// The `bfly.kernel` dictionary of `transform`'s kernel: name, n, element
/// types, flops and nonzero twiddles as the model states them, provenance.
DictionaryAttr kernelRecord(OpBuilder &b, TransformOp transform,
                            ArrayRef<NamedAttribute> extra = {});

/// Attaches the `bfly.kernel` dictionary (counting the chain's flops and
/// nonzero twiddles as the model states them), erases `transform` and
/// gives the kernel its name.
/// `extra` entries join the dictionary (the phase entry points').
void finishKernel(ImplicitLocOpBuilder &b, SymbolTable &symbols,
                  TransformOp transform, func::FuncOp kernel,
                  ArrayRef<NamedAttribute> extra = {});

/// Where the SIMD lowering's planar scratch for n elements of `scalar`
/// keeps the imaginary parts (the real parts are at [0, n)): at n, or half
/// a page further when a plane spans more than a page. Rows of the two
/// planes a power of two apart would otherwise share cache sets: a radix-8
/// pass at strides of a page loads 16 lines into one 8-way set and evicts
/// its own rows before it stores them back (the DFT of 2^18 took 1.4x the
/// time). Within a page the rows of a pass spread over several sets.
int64_t planarImaginaryOffset(Type scalar, int64_t n);

/// One scratch buffer of a kernel for n elements of `scalar`: both planes
/// of the planar layout and the room between them (the scalar lowering's
/// n interleaved complex elements fill its first 2n).
MemRefType scratchBufferType(Type scalar, int64_t n);
/// Its size in bytes.
int64_t scratchBufferBytes(Type scalar, int64_t n);

/// The scratch buffers a kernel computes its chain in: on the
/// caller's stack while together they fit in BFLY_KERNEL_MAX_STACK_BYTES,
/// beyond that on the heap (checked, and freed by release()), so a kernel
/// for n = 2^18 in f64 (16 MiB of scratch) does not overflow an 8 MiB stack.
class KernelScratch {
public:
  /// `buffers` of scratchBufferType(scalar, n).
  KernelScratch(Type scalar, int64_t n, int64_t buffers = 2);
  /// Buffers of `bytes` in all, on the stack only if they fit there beside
  /// `stackTaken` bytes another scratch keeps.
  KernelScratch(int64_t bytes, int64_t stackTaken);

  /// A new buffer of scratchBufferType (or of `type`) at the builder's
  /// insertion point (the kernel's body).
  Value allocate(ImplicitLocOpBuilder &b);
  Value allocate(ImplicitLocOpBuilder &b, MemRefType type);
  /// Frees the heap buffers; call before the kernel returns.
  void release(ImplicitLocOpBuilder &b);
  bool onHeap() const { return heap; }
  /// The bytes these buffers take on the stack.
  int64_t stackBytes() const { return heap ? 0 : bytes; }

private:
  MemRefType type;
  int64_t bytes;
  bool heap;
  SmallVector<Value, 2> allocated;
};

/// A kernel that splits one vector across threads puts its work in a
/// phase function `(in, out, scratch0, scratch1, phase, part, parts)`
/// next to it (bfly-export-kernel wraps it as the descriptor's
/// apply_phase, handing it the two halves of its scratch).

/// An empty phase function for `kernel`, named after `name`, with scratch
/// arguments of `scratchType`; the builder at the start of its body.
func::FuncOp createPhaseFunction(ImplicitLocOpBuilder &b, SymbolTable &symbols,
                                 StringRef name, func::FuncOp kernel,
                                 Type scratchType);

/// An scf.index_switch on `phase` with one case per phase, case p built by
/// `lowerPhase(p)` (it does nothing for another phase); the builder after
/// it.
void emitPhaseSwitch(ImplicitLocOpBuilder &b, Value phase, int64_t phases,
                     function_ref<void(int64_t)> lowerPhase);

/// The kernel's own body: `phaseFunction` on (in, out, scratch0, scratch1)
/// for every phase in order, in one part. Returns the `bfly.kernel`
/// record's phase entries: `scratchBytes`, what apply_phase's caller gives,
/// and `secondAt`, where in it the second scratch buffer starts (0 when the
/// phases use one: both arguments are then the same buffer).
SmallVector<NamedAttribute>
callPhasesInOrder(ImplicitLocOpBuilder &b, func::FuncOp phaseFunction,
                  ValueRange buffers, int64_t phases, int64_t scratchBytes,
                  int64_t secondAt);

/// Lowers a transform whose chain has edges (bfly.pad, bfly.pack,
/// bfly.pack_spectrum first; bfly.truncate, bfly.unpack,
/// bfly.real_spectrum last): the chain between them becomes a transform of
/// its own that `lowerCore` lowers like any other, called from a kernel
/// that runs the edges around it (the spectrum loops in vectors of
/// `vectorBits`, scalar code for 0). False, and nothing done, for a
/// transform without edges.
bool lowerTransformEdges(SymbolTable &symbols, TransformOp transform,
                         function_ref<void(TransformOp core)> lowerCore,
                         unsigned vectorBits = 0);

/// The elements of the pairs a stage of stride `h` mixes, in IR: `top` of
/// pair `pair` and `top + h` (common/Butterfly.h's stagePair, as shifts).
std::pair<Value, Value> emitStagePair(ImplicitLocOpBuilder &b, Value pair,
                                      int64_t h);

/// The pair element `element` belongs to (common/Butterfly.h's
/// pairOfElement, as shifts).
Value emitPairOfElement(ImplicitLocOpBuilder &b, Value element, int64_t h);

} // namespace mlir::bfly

#endif // BFLY_COMPILER_CONVERSION_KERNELLOWERING_H
