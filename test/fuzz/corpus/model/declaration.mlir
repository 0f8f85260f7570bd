func.func private @f(tensor<8xcomplex<f32>>) -> tensor<8xcomplex<f32>>
