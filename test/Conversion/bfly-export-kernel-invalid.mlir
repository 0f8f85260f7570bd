// RUN: bfly-opt %s --bfly-export-kernel --verify-diagnostics

/// The ABI wraps exactly one lowered transform; a module without one is
/// refused rather than exported as an empty kernel.
// expected-error @+1 {{expected one lowered transform (an llvm.func with 'bfly.kernel'), found 0}}
module {
  llvm.func @not_a_kernel() {
    llvm.return
  }
}
