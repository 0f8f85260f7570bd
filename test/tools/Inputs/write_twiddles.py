"""Writes torch_butterfly twiddles of the unitary Hadamard transform, shape
(1, 1, log2 n, n/2, 2, 2), as .npy and as .safetensors, plus a safetensors
file whose header lies about its offsets.

    write_twiddles.py N OUTPUT_PREFIX
"""
import json
import math
import struct
import sys

n = int(sys.argv[1])
prefix = sys.argv[2]
log_n = int(math.log2(n))
s = 1 / math.sqrt(2)
values = [s, s, s, -s] * (log_n * n // 2)
data = struct.pack("<%df" % len(values), *values)
shape = [1, 1, log_n, n // 2, 2, 2]

header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (
    ", ".join(map(str, shape)))
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(prefix + ".npy", "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
    f.write(header.encode() + data)


def safetensors(path, end):
    meta = json.dumps({"hadamard.twiddle": {
        "dtype": "F32", "shape": shape, "data_offsets": [0, end]}}).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(meta)) + meta + data)


safetensors(prefix + ".safetensors", len(data))
safetensors(prefix + ".lying.safetensors", len(data) + 64)
