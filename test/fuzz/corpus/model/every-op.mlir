bfly.transform @t(%x: tensor<8xf32>) -> tensor<8xf32> attributes {provenance = {target = "seed"}, prune_bound = 0.5 : f64} {
  %0 = bfly.complex %x : tensor<8xf32> -> tensor<8xcomplex<f32>>
  %1 = bfly.permute %0 bit_reverse : tensor<8xcomplex<f32>>
  %2 = bfly.permute %1 even_odd block 4 : tensor<8xcomplex<f32>>
  %3 = bfly.permute %2 explicit indices [1, 0, 3, 2, 5, 4, 7, 6] : tensor<8xcomplex<f32>>
  %4 = bfly.stage %3 stride 2 twiddles dense<[[[(1.0, 0.0), (0.0, 1.0)], [(1.0, 0.0), (0.0, -1.0)]], [[(0.5, 0.5), (2.0, 0.0)], [(0.0, 0.0), (1.0, 0.0)]]]> : tensor<2x2x2xcomplex<f32>> : tensor<8xcomplex<f32>>
  %5 = bfly.diag %4 by dense<(2.0, 0.0)> : tensor<8xcomplex<f32>> : tensor<8xcomplex<f32>>
  %6 = bfly.stage %5 stride 1 twiddles dense<1.0e-3> : tensor<4x2x2xcomplex<f32>> {bfly.fuse_group = 0 : i64} : tensor<8xcomplex<f32>>
  %7 = bfly.real %6 : tensor<8xcomplex<f32>> -> tensor<8xf32>
  bfly.return %7 : tensor<8xf32>
}
