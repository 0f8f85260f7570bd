//===- Passes.td - bfly conversion passes --------------------*- tablegen -*-===//
#ifndef BFLY_CONVERSION_PASSES_TD
#define BFLY_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertBflyToLoops : Pass<"convert-bfly-to-loops", "ModuleOp"> {
  let summary = "Lower a bfly transform to scalar loops over memrefs";
  let description = [{
    The first, plainly correct lowering of a transform function.

    **Input**: a module with one `func.func` whose body is a linear chain of
    bfly ops from its tensor argument to its returned tensor (a model file).

    **Output**: the function becomes `func.func @name(%in: memref<K x S>,
    %out: memref<K' x S>)` with S the scalar type and K = N (real) or 2N
    (complex, interleaved re/im). Each factor is one `scf.for` loop over
    `memref.alloca` scratch buffers; constants become private
    `memref.global`s. The function carries a `bfly.kernel` dictionary (n,
    element types, flop count, nonzero twiddles, provenance) for
    `bfly-export-kernel`. `%out` may alias `%in`.

    **Guarantee**: each output is computed with the factors' arithmetic
    in order, in the model's precision; no reassociation.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
  let statistics = [
    Statistic<"numFactors", "factors", "Number of bfly factors lowered">
  ];
}

def ConvertBflyToVector : Pass<"convert-bfly-to-vector", "ModuleOp"> {
  let summary = "Lower a bfly transform to SIMD code through the vector dialect";
  let description = [{
    The optimizing CPU lowering (what `bfly-compile` runs by default).

    **Input**: as `convert-bfly-to-loops`: a module whose transform
    function's body is a linear chain of bfly ops.

    **Output**: the same kernel signature and `bfly.kernel` dictionary as
    `convert-bfly-to-loops`. Inside, complex values are planar (real parts,
    then imaginary parts) in 64-byte aligned scratch buffers, deinterleaved
    on the way in and interleaved on the way out. Each factor is one
    `scf.for` over `vector<V x S>` values, V = `vector-bits` / width of S, at
    most n/2: a stage of stride h >= V loads both halves of V pairs
    contiguously; a stage of stride h < V loads 2V elements and pairs them
    with `vector.shuffle`. The k stages of a group that `bfly-fuse-stages`
    planned (equal `bfly.fuse_group`) are one pass, mixed in registers:
    strides below V over 2V-element chunks, strides V or more over 2^k
    vectors; a planned group that cannot share a pass at this V is cut where
    it must be, and a stage without a group is a pass of its own. Twiddles are stored as one array per 2x2 entry
    and component; an array whose entries are all equal becomes a constant,
    and tied twiddles of stride below V constant vectors. Products by an
    exact 0 or 1 are not emitted; a stage whose second row is its first with
    one entry negated (t2 = t0, t3 = -t1: every FFT butterfly) computes its
    two products once. Permutations are `vector.gather`s.

    Large n: a stage of stride h mixes only elements within blocks of 2h,
    so consecutive passes whose strides are all below B (the largest power
    of two whose B elements of both scratch buffers fit in `block-bytes`)
    run block by block (all of them on block 0, then on block 1, ...): one
    sweep through memory instead of one per pass. Each element sees the
    same arithmetic in the same order as unblocked.

    **Guarantee**: every output is the factors' arithmetic in order, in the
    model's precision, except that products by exact zeros and ones are
    skipped and a product may be fused with the sum that consumes it (one
    rounding instead of two, `fastmath<contract>`); nothing is reassociated.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"256",
           "SIMD register width in bits (128 SSE/NEON, 256 AVX2, 512 "
           "AVX-512)">,
    Option<"blockBytes", "block-bytes", "unsigned", /*default=*/"262144",
           "Cache blocking: consecutive passes whose strides all stay "
           "within blocks of B elements run block by block when the two "
           "scratch buffers' share of a block fits in this many bytes "
           "(0: never)">
  ];
  let statistics = [
    Statistic<"numFactors", "factors", "Number of bfly factors lowered">,
    Statistic<"numConstantArrays", "constant-twiddle-arrays",
              "Twiddle and diagonal arrays folded to one constant">,
    Statistic<"numSkippedProducts", "skipped-products",
              "Products by an exact 0 or +-1 not emitted">,
    Statistic<"numSharedButterflies", "shared-butterflies",
              "Stages whose second row reuses the first row's products">,
    Statistic<"numBlockedPasses", "blocked-passes",
              "Passes run block by block (cache blocking)">
  ];
}

def ConvertBflyToGpu : Pass<"convert-bfly-to-gpu", "ModuleOp"> {
  let summary = "Lower a bfly transform to a CUDA kernel in the gpu dialect";
  let description = [{
    **Input**: a module holding bfly transforms (model files), optionally
    planned by `bfly-fuse-stages` (each group of stages is one phase; the
    GPU pipeline plans with `max-radix=16 vector-bits=32`).

    **Output**: the module becomes a `gpu.container_module`; each transform
    becomes a `gpu.func` kernel of `gpu.module @bfly_gpu`, named like it,
    with the parameters `(ptr in, ptr out, i64 batch, i64 in_dist,
    i64 out_dist)` (distances in elements; complex data interleaved as on
    CPU). Block b computes vectors bV .. bV + V - 1 of the batch with P
    threads each. The kernel is a sequence of phases separated by
    `gpu.barrier`: in a phase each thread holds 2^k elements whose indices
    differ only in the phase's k bits (the strides of one fused group), reads
    them (from global memory where the accesses coalesce, else from its
    vector's region of dynamic shared memory, through any permutation that
    precedes the group), applies the group's stages and the diagonals
    around it in registers, and writes them back. Leading and trailing
    permutations move the first write and the last read. Twiddle entries
    equal in every matrix, and whole matrices the registers determine, are
    immediates; the rest are constant `memref.global`s of the gpu.module.
    The shared layout (skew or swizzle) is the one with the fewest bank
    conflicts over every access the kernel makes. The kernel carries the
    `bfly.kernel` record and a `bfly.gpu_launch` record (`block_threads`,
    `shared_bytes` of dynamic shared memory, `vectors_per_block`, `phases`,
    `shared_layout`, and the block's `bank_transactions` against
    `ideal_transactions`).

    **Refusals**: a vector whose shared memory exceeds `max-shared-bytes`
    (a chain that needs no shared memory has no limit below BFLY_MAX_N).

    **Guarantee**: each output is the factors' arithmetic in order, in the
    model's precision; products are shared only where they are equal
    (w x1 and -w x1), and a row whose entries differ only in sign is
    computed as w (x0 +- x1); multiply-adds may be contracted.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
  let options = [
    Option<"vectorsPerBlock", "vectors-per-block", "unsigned",
           /*default=*/"0",
           "Vectors a block carries, a power of two (0: enough for 128 "
           "threads while their shared memory stays within 48 KiB)">,
    Option<"maxSharedBytes", "max-shared-bytes", "unsigned",
           /*default=*/"98304",
           "Most dynamic shared memory per block, in bytes (beyond 48 KiB "
           "the runtime opts the kernel in)">
  ];
  let statistics = [
    Statistic<"numFactors", "factors", "Number of bfly factors lowered">,
    Statistic<"numImmediates", "immediates",
              "Twiddle and diagonal entries emitted as immediates">,
    Statistic<"numTableEntries", "table-entries",
              "Scalars of twiddle and diagonal tables">,
    Statistic<"numSharedProducts", "shared-products",
              "Rows computed with one product, w (x0 +- x1)">
  ];
}

def BflyDeclareDynamicShared
    : Pass<"bfly-declare-dynamic-shared", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Declare the dynamic shared memory of NVVM kernels external";
  let description = [{
    `convert-gpu-to-nvvm` gives `gpu.dynamic_shared_memory` an internal,
    zero-length workgroup global; the NVPTX backend then demotes it to a
    one-byte static `.shared` variable of the kernel, and ptxas places the
    dynamic region after it: the kernel's last bytes of shared memory fall
    outside the region the launch allocates.

    **Input**: a gpu.module after `convert-gpu-to-nvvm`.

    **Output**: every zero-length global of the workgroup address space (3)
    is an external declaration, which PTX spells `.extern .shared .b8
    name[]`: the dynamic region itself, with no static shared memory.

    **Guarantee**: nothing else changes.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def BflyExportKernel : Pass<"bfly-export-kernel", "ModuleOp"> {
  let summary = "Add the kernel ABI: descriptor, query symbol, batched apply";
  let description = [{
    **Input**: a module in the LLVM dialect holding one function with a
    `bfly.kernel` dictionary, as `convert-bfly-to-loops` and the standard
    lowering to LLVM leave it: `(ptr in, ptr out) -> ()`, one vector.

    **Output**: that function becomes internal; the module gains the
    batched apply function (`in`, `out`, `batch`, `in_dist`, `out_dist`), a
    constant `bfly_kernel_descriptor` laid out as
    `runtime/include/bfly/kernel_abi.h` says, and the exported query
    function `bfly_kernel_query` returning it.

    **Guarantee**: no arithmetic changes; vector b of a batch gives exactly
    what a single call on it gives.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
  let options = [
    Option<"cpu", "cpu", "std::string", /*default=*/"\"generic\"",
           "Target CPU recorded in the descriptor">,
    Option<"cpuFeatures", "cpu-features", "std::string", /*default=*/"\"\"",
           "Comma-separated CPU features the code requires">,
    Option<"generator", "generator", "std::string", /*default=*/"\"\"",
           "How the kernel was made, appended to its provenance">
  ];
}

#endif // BFLY_CONVERSION_PASSES_TD
