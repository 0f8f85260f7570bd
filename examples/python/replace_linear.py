"""Replace an nn.Linear by a butterfly layer, train it, serve it compiled.

The task: regress y = W x where W is a fixed Hadamard-like structured map
(unknown to the learner). An nn.Linear(256, 256) has 65,792 parameters; a
bfly.torch.Butterfly has 4,096 (plus the bias) and learns W exactly. The
trained layer becomes a compiled kernel in one line, with the same outputs.

    /usr/bin/python3 examples/python/replace_linear.py
"""

import statistics
import timeit

import numpy as np
import scipy.linalg
import torch
from torch import nn

import bfly.torch as btorch

N = 256


def train(layer, x, y, steps=400, lr=0.03):
    optimizer = torch.optim.Adam(layer.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(layer(x), y)
        loss.backward()
        optimizer.step()
    return loss.item()


def median_seconds(function, repeats=300):
    return statistics.median(timeit.repeat(function, number=1, repeat=repeats))


def main():
    torch.manual_seed(0)
    w = torch.tensor(scipy.linalg.hadamard(N) / np.sqrt(N), dtype=torch.float32)
    x = torch.randn(256, N)
    y = x @ w.T

    dense = nn.Linear(N, N)
    # Random rotations as the starting twiddles train faster than Gaussian
    # ones on an orthogonal target.
    butterfly = btorch.Butterfly(N, N, init="ortho")
    count = lambda m: sum(p.numel() for p in m.parameters())
    print(f"nn.Linear: {count(dense)} parameters, Butterfly: "
          f"{count(butterfly)} parameters")
    dense_loss = train(dense, x, y)
    butterfly_loss = train(butterfly, x, y)
    print(f"training loss after 400 Adam steps: nn.Linear {dense_loss:.2e}, "
          f"Butterfly {butterfly_loss:.2e}")
    assert butterfly_loss < 1e-3, butterfly_loss

    served = btorch.Compiled(butterfly)
    test = torch.randn(64, N)
    with torch.no_grad():
        reference = butterfly(test)
    difference = (served(test) - reference).abs().max().item()
    print(f"compiled vs trained layer: max difference {difference:.1e}")
    assert difference < 1e-4, difference

    one = test[:1]
    with torch.no_grad():
        layer_time = median_seconds(lambda: butterfly(one))
        dense_time = median_seconds(lambda: dense(one))
    served_time = median_seconds(lambda: served(one))
    print(f"batch 1, median of 300: nn.Linear {dense_time * 1e6:.1f} us, "
          f"Butterfly in torch {layer_time * 1e6:.1f} us, compiled "
          f"{served_time * 1e6:.1f} us")


if __name__ == "__main__":
    main()
