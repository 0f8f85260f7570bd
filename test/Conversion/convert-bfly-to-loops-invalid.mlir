// RUN: bfly-opt %s --convert-bfly-to-loops --verify-diagnostics

/// A transform whose ops do not form one chain from argument to result is
/// refused with the op that breaks it.
func.func @negative_not_a_chain(%x: tensor<2xf64>) -> tensor<2xf64> {
  %y = bfly.diag %x by dense<[1.0, 2.0]> : tensor<2xf64> : tensor<2xf64>
  // expected-error @+1 {{'bfly.diag' op is not part of a linear chain of bfly ops from the argument}}
  %z = bfly.diag %x by dense<[1.0, 2.0]> : tensor<2xf64> : tensor<2xf64>
  return %z : tensor<2xf64>
}
