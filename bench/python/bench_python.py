"""The Python package's benchmarks, every baseline measured in the same run.

1. Call overhead: kernel(x) from Python against the same kernel called in a
   C loop (batch 1, complex64 DFT, N = 1024).
2. Serving a 1024 -> 1024 layer: nn.Linear, bfly.torch.Butterfly run by
   torch, and bfly.torch.Compiled, at batch 1 and 64.
3. A training step (forward, backward, Adam) of Butterfly and nn.Linear at
   batch 256.

Medians of several rounds; ratios are baseline time / bfly time (above 1:
bfly is faster).

    PYTHONPATH=build/python /usr/bin/python3 bench/python/bench_python.py
        [--threads T] [--rounds R]
"""

import argparse
import time

import numpy as np
import torch
from torch import nn

import bfly
import bfly.torch as btorch


def median_per_call(function, calls, rounds):
    """Median over rounds of the time per call of `calls` calls."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        times.append((time.perf_counter() - start) / calls)
    return float(np.median(times))


def call_overhead(rounds):
    """Rounds alternate the C loop and the Python loops on the same buffers,
    so a noisy neighbour slows both; the overhead is the median of each
    round's difference."""
    n, calls = 1024, 2000
    rounds = max(rounds, 15)
    kernel = bfly.learn("dft", n=n, require_recovery=True).compile()
    x = (np.random.default_rng(0).standard_normal(n) * (1 + 1j)).astype(np.complex64)
    out = np.empty_like(x)
    calls_of = {
        "kernel(x, out=out)": lambda: kernel(x, out=out),
        "kernel(x, out)": lambda: kernel(x, out),
        "kernel(x)": lambda: kernel(x),
    }
    c_times, python_times = [], {name: [] for name in calls_of}
    for _ in range(rounds):
        c_times.append(kernel._time_direct_calls(x, out, calls) / calls)
        for name, call in calls_of.items():
            python_times[name].append(median_per_call(call, calls, 1))
    c_call = float(np.median(c_times))
    print(f"## Call overhead: complex64 DFT, N = {n}, batch 1 "
          f"(median of {rounds} rounds of {calls} calls)\n")
    print("| call | us per call | over the C call (us) |")
    print("| --- | ---: | ---: |")
    print(f"| C: bfly_kernel_apply | {c_call * 1e6:.2f} | |")
    for name, times in python_times.items():
        overhead = np.median(np.array(times) - np.array(c_times))
        print(f"| Python: {name} | {np.median(times) * 1e6:.2f} | "
              f"{overhead * 1e6:+.2f} |")
    print()


def serving(rounds):
    n = 1024
    torch.manual_seed(0)
    linear = nn.Linear(n, n)
    butterfly = btorch.Butterfly(n, n)
    compiled = btorch.Compiled(butterfly)
    print(f"## Serving a {n} -> {n} float32 layer, torch threads = "
          f"{torch.get_num_threads()} (median of {rounds} rounds)\n")
    # torch's own matrix-vector product is also timed: Debian's torch runs
    # nn.Linear at batch 1 through a slow generic path.
    weight = linear.weight.detach()
    print("| batch | nn.Linear (us) | x @ W.T, torch.mv at batch 1 (us) | "
          "Butterfly in torch (us) | Compiled (us) | nn.Linear / Compiled | "
          "best dense / Compiled |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for batch in (1, 64):
        x = torch.randn(batch, n)
        calls = 2000 if batch == 1 else 200
        product = ((lambda: torch.mv(weight, x[0])) if batch == 1
                   else (lambda: x @ weight.T))
        with torch.no_grad():
            t_linear = median_per_call(lambda: linear(x), calls // 10, rounds)
            t_product = median_per_call(product, calls // 10, rounds)
            t_layer = median_per_call(lambda: butterfly(x), calls // 10, rounds)
        t_compiled = median_per_call(lambda: compiled(x), calls, rounds)
        best = min(t_linear, t_product)
        print(f"| {batch} | {t_linear * 1e6:.1f} | {t_product * 1e6:.1f} | "
              f"{t_layer * 1e6:.1f} | {t_compiled * 1e6:.1f} | "
              f"{t_linear / t_compiled:.1f}x | {best / t_compiled:.1f}x |")
    print()


def training(rounds):
    n, batch = 1024, 256
    torch.manual_seed(0)
    x, y = torch.randn(batch, n), torch.randn(batch, n)

    def step_of(layer):
        optimizer = torch.optim.Adam(layer.parameters(), lr=1e-3)

        def step():
            optimizer.zero_grad()
            nn.functional.mse_loss(layer(x), y).backward()
            optimizer.step()
        return step

    linear, butterfly = nn.Linear(n, n), btorch.Butterfly(n, n)
    t_linear = median_per_call(step_of(linear), 10, rounds)
    t_butterfly = median_per_call(step_of(butterfly), 10, rounds)
    count = lambda layer: sum(p.numel() for p in layer.parameters())
    print(f"## Training step (forward, backward, Adam), {n} -> {n}, batch "
          f"{batch} (median of {rounds} rounds of 10 steps)\n")
    print("| layer | parameters | ms per step |")
    print("| --- | ---: | ---: |")
    print(f"| nn.Linear | {count(linear)} | {t_linear * 1e3:.2f} |")
    print(f"| bfly.torch.Butterfly | {count(butterfly)} | "
          f"{t_butterfly * 1e3:.2f} |")
    print(f"\nButterfly / nn.Linear step time: {t_butterfly / t_linear:.2f}x\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=1,
                        help="torch's threads (default 1, as bfly's kernel)")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"bfly {bfly.__version__}, torch {torch.__version__}, numpy "
          f"{np.__version__}\n")
    call_overhead(args.rounds)
    serving(args.rounds)
    training(args.rounds)


if __name__ == "__main__":
    main()
