"""Writes small .npy files for bfly-learn's tests, by hand (no numpy here).

usage: write_npy.py KIND PATH
  dft16-c8        the unitary DFT-16 as complex64, C order
  hadamard8-f8-f  the Hadamard-8 / sqrt(8) as float64, Fortran order
  rect-f4         a 3 x 5 float32 matrix of ones
  truncated       a header declaring 4x4 float32 with 3 values of data
  nan             a 2 x 2 float32 matrix with a NaN
  vector-f4       a 1-D float32 array of 4 values (not a matrix)
  wide-f4         a 1 x 65536 float32 matrix (pads to 65536 x 65536)
  random32-f8     a 32 x 32 float64 matrix of pseudo-random numbers
"""
import cmath
import math
import struct
import sys


def write(path, descr, fortran, shape, payload):
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }" % (
        descr, "True" if fortran else "False", ", ".join(map(str, shape)) + ("," if len(shape) == 1 else ""))
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + payload)


kind, path = sys.argv[1], sys.argv[2]
if kind == "dft16-c8":
    values = [cmath.exp(-2j * math.pi * j * k / 16) / 4 for j in range(16) for k in range(16)]
    write(path, "<c8", False, (16, 16), b"".join(struct.pack("<ff", v.real, v.imag) for v in values))
elif kind == "hadamard8-f8-f":
    h = lambda j, k: (-1) ** bin(j & k).count("1") / math.sqrt(8)
    values = [h(j, k) for k in range(8) for j in range(8)]  # column-major
    write(path, "<f8", True, (8, 8), struct.pack("<64d", *values))
elif kind == "rect-f4":
    write(path, "<f4", False, (3, 5), struct.pack("<15f", *[1.0] * 15))
elif kind == "truncated":
    write(path, "<f4", False, (4, 4), struct.pack("<3f", 1, 2, 3))
elif kind == "nan":
    write(path, "<f4", False, (2, 2), struct.pack("<4f", 1, float("nan"), 3, 4))
elif kind == "vector-f4":
    write(path, "<f4", False, (4,), struct.pack("<4f", 1, 2, 3, 4))
elif kind == "wide-f4":
    write(path, "<f4", False, (1, 65536), bytes(4 * 65536))
elif kind == "random32-f8":
    state, values = 12345, []
    for _ in range(32 * 32):  # a linear congruential generator: no numpy
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        values.append((state >> 11) / 2**53 - 0.5)
    write(path, "<f8", False, (32, 32), struct.pack("<1024d", *values))
else:
    sys.exit("unknown kind " + kind)
