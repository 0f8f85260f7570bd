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

// -----

/// The second scratch buffer must start inside the scratch, on the 64-byte
/// alignment of the first: a record without the split, or with one past
/// the end or between cache lines, is refused rather than exported as an
/// apply_phase that writes out of bounds or misaligned.
module {
  llvm.func @k.phase(%in: !llvm.ptr, %out: !llvm.ptr, %s0: !llvm.ptr, %s1: !llvm.ptr, %phase: i64, %part: i64, %parts: i64) {
    llvm.return
  }
  // expected-error @+1 {{needs a phase_scratch_split, a multiple of 64 below phase_scratch_bytes}}
  llvm.func @k(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 0 : i64, input = f32, n = 2 : i64, name = "k", nonzero_twiddles = 0 : i64, output = f32, output_n = 2 : i64, phase_function = @k.phase, phase_scratch_bytes = 64 : i64, phases = 1 : i64, provenance = ""}} {
    llvm.return
  }
}

// -----

module {
  llvm.func @k.phase(%in: !llvm.ptr, %out: !llvm.ptr, %s0: !llvm.ptr, %s1: !llvm.ptr, %phase: i64, %part: i64, %parts: i64) {
    llvm.return
  }
  // expected-error @+1 {{needs a phase_scratch_split, a multiple of 64 below phase_scratch_bytes}}
  llvm.func @k(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 0 : i64, input = f32, n = 2 : i64, name = "k", nonzero_twiddles = 0 : i64, output = f32, output_n = 2 : i64, phase_function = @k.phase, phase_scratch_bytes = 128 : i64, phase_scratch_split = 128 : i64, phases = 1 : i64, provenance = ""}} {
    llvm.return
  }
}

// -----

module {
  llvm.func @k.phase(%in: !llvm.ptr, %out: !llvm.ptr, %s0: !llvm.ptr, %s1: !llvm.ptr, %phase: i64, %part: i64, %parts: i64) {
    llvm.return
  }
  // expected-error @+1 {{needs a phase_scratch_split, a multiple of 64 below phase_scratch_bytes}}
  llvm.func @k(%in: !llvm.ptr, %out: !llvm.ptr) attributes {bfly.kernel = {flops = 0 : i64, input = f32, n = 2 : i64, name = "k", nonzero_twiddles = 0 : i64, output = f32, output_n = 2 : i64, phase_function = @k.phase, phase_scratch_bytes = 128 : i64, phase_scratch_split = 32 : i64, phases = 1 : i64, provenance = ""}} {
    llvm.return
  }
}
