// A model whose only stage has a singular 2x2 matrix: no inverse.
bfly.transform @singular(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = bfly.stage %x stride 1 twiddles dense<[[[1.0, 2.0], [2.0, 4.0]]]> : tensor<1x2x2xf32> : tensor<2xf32>
  bfly.return %0 : tensor<2xf32>
}
