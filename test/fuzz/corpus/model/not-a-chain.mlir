bfly.transform @t(%x: tensor<2xf64>) -> tensor<2xf64> {
  %y = bfly.diag %x by dense<[1.0, 2.0]> : tensor<2xf64> : tensor<2xf64>
  %z = bfly.diag %x by dense<[1.0, 2.0]> : tensor<2xf64> : tensor<2xf64>
  bfly.return %z : tensor<2xf64>
}
