"""References for the Python tests that share no code with bfly: dense
matrices written from the definitions, in numpy."""

import numpy as np


def stage_matrix(n, stride, matrices):
    """The n x n matrix of a butterfly stage: pair p mixes elements
    2 stride (p // stride) + p % stride and that + stride by matrices[p]
    (2 x 2, [out][in])."""
    m = np.zeros((n, n), dtype=np.complex128)
    for p in range(n // 2):
        low = 2 * stride * (p // stride) + p % stride
        high = low + stride
        for i, row in enumerate((low, high)):
            m[row, low] += matrices[p][i][0]
            m[row, high] += matrices[p][i][1]
    return m


def dense_from_twiddles(twiddle, stack=0, increasing_stride=True):
    """torch_butterfly's map of one stack of twiddle (nstacks, nblocks,
    log n, n/2, 2, 2): the blocks' stages, each block reversing the stride
    order of the one before."""
    twiddle = np.asarray(twiddle)
    _, nblocks, log_n, half, _, _ = twiddle.shape
    n = 2 * half
    result = np.eye(n, dtype=np.complex128)
    increasing = increasing_stride
    for block in range(nblocks):
        for index in range(log_n):
            stride = 1 << (index if increasing else log_n - 1 - index)
            result = stage_matrix(n, stride, twiddle[stack, block, index]) @ result
        increasing = not increasing
    return result


def permutation_matrix(table):
    """P with (P x)[i] = x[table[i]]."""
    n = len(table)
    p = np.zeros((n, n))
    p[np.arange(n), table] = 1
    return p


def bit_reversal(n):
    bits = n.bit_length() - 1
    return [int(format(i, f"0{bits}b")[::-1], 2) for i in range(n)]
