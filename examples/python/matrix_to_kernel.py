"""From a numpy matrix to a fast kernel.

A DSP engineer has a structured matrix (here the orthonormal DCT-II from
scipy, standing in for "my own transform"): bfly learns its butterfly
factorization, compiles it for this CPU, checks it against the dense
product and times both.

    /usr/bin/python3 examples/python/matrix_to_kernel.py [N]
"""

import sys
import statistics
import timeit

import numpy as np
import scipy.fft

import bfly


def median_seconds(function, repeats=200):
    return statistics.median(timeit.repeat(function, number=1, repeat=repeats))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    matrix = scipy.fft.dct(np.eye(n), norm="ortho", axis=0)  # y = matrix @ x

    # A DCT is a butterfly after a learned permutation and one more size-n
    # permutation: the bpp model class, found in closed form.
    model = bfly.learn(matrix, model="bpp", require_recovery=True)
    print(f"learned {model!r}: relative error {model.relative_error:.2e} "
          f"in {model.seconds:.2f} s ({model.method}, permutation "
          f"{model.permutation})")

    kernel = model.compile()
    print(f"compiled {kernel!r}: {kernel.flops} flops per vector, {kernel.isa}")

    # A real matrix makes a real kernel: float32 in, float32 out.
    x = np.random.default_rng(0).standard_normal((64, n)).astype(np.float32)
    y = kernel(x)
    expected = x.astype(np.float64) @ matrix.T
    error = np.linalg.norm(y - expected) / np.linalg.norm(expected)
    print(f"batch of 64: relative error against the dense product {error:.2e}")
    assert error < 1e-5, error

    out = np.empty_like(x)
    dense = matrix.astype(np.float32)
    bfly_time = median_seconds(lambda: kernel(x, out=out))
    dense_time = median_seconds(lambda: x @ dense.T)
    print(f"batch of 64, median of 200: bfly {bfly_time * 1e6:.1f} us, dense "
          f"float32 matmul {dense_time * 1e6:.1f} us "
          f"({dense_time / bfly_time:.1f}x)")


if __name__ == "__main__":
    main()
