// RUN: bfly-opt %s --split-input-file --bfly-export-kernel --verify-diagnostics

/// The ABI wraps exactly one lowered transform; a module without one is
/// refused rather than exported as an empty kernel.
// expected-error @+1 {{expected one lowered transform (an llvm.func with 'bfly.kernel'), found 0}}
module {
  llvm.func @not_a_kernel() {
    llvm.return
  }
}

// -----

/// Nor can one .so hold two kernels: there is one query symbol.
// expected-error @+1 {{expected one lowered transform (an llvm.func with 'bfly.kernel'), found 2}}
module {
  llvm.func @a(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 0 : i64, input = f32, n = 2 : i64, name = "a", nonzero_twiddles = 0 : i64, output = f32, output_n = 2 : i64, provenance = ""}} {
    llvm.return
  }
  llvm.func @b(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 0 : i64, input = f32, n = 2 : i64, name = "b", nonzero_twiddles = 0 : i64, output = f32, output_n = 2 : i64, provenance = ""}} {
    llvm.return
  }
}

// -----

/// A phase function the module does not hold is refused, not exported as
/// a dangling address.
module {
  // expected-error @+1 {{names a phase function 'missing' that is not a lowered function}}
  llvm.func @k(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 0 : i64, input = f32, n = 2 : i64, name = "k", nonzero_twiddles = 0 : i64, output = f32, output_n = 2 : i64, phase_function = @missing, phase_scratch_bytes = 64 : i64, phase_scratch_split = 0 : i64, phases = 1 : i64, provenance = ""}} {
    llvm.return
  }
}

