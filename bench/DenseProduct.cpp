//===- DenseProduct.cpp - the dense baseline, built for this CPU ----------===//
#include "bench/DenseProduct.h"

#include "bfly/kernel_abi.h"

#include <Eigen/Dense>

namespace bfly {

namespace {
/// The product in one scalar type.
struct Product {
  virtual ~Product() = default;
  virtual void run() = 0;
};

template <typename Scalar> struct TypedProduct final : Product {
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  Matrix m, x, y;

  TypedProduct(const std::complex<double> *matrix, int64_t n, int64_t batch) {
    Eigen::Map<const Eigen::MatrixXcd> reference(matrix, n, n);
    if constexpr (Eigen::NumTraits<Scalar>::IsComplex)
      m = reference.cast<Scalar>();
    else
      m = reference.real().cast<Scalar>();
    x = Matrix::Ones(n, batch);
    y = Matrix::Zero(n, batch);
  }
  void run() override { y.noalias() = m * x; }
};
} // namespace

struct DenseProduct::Impl {
  std::unique_ptr<Product> product;
};

DenseProduct::DenseProduct(const std::complex<double> *matrix, int64_t n,
                           int32_t dtype, int64_t batch)
    : impl_(new Impl) {
  switch (dtype) {
  case BFLY_DTYPE_F32:
    impl_->product.reset(new TypedProduct<float>(matrix, n, batch));
    break;
  case BFLY_DTYPE_F64:
    impl_->product.reset(new TypedProduct<double>(matrix, n, batch));
    break;
  case BFLY_DTYPE_COMPLEX_F32:
    impl_->product.reset(
        new TypedProduct<std::complex<float>>(matrix, n, batch));
    break;
  default:
    impl_->product.reset(
        new TypedProduct<std::complex<double>>(matrix, n, batch));
  }
}

DenseProduct::~DenseProduct() = default;

void DenseProduct::run() { impl_->product->run(); }

} // namespace bfly
