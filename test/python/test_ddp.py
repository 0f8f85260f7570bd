"""bfly.torch.Butterfly trained under DistributedDataParallel: two
processes (gloo on localhost), each with half the batch, end with the
gradients one process gets from the whole batch."""

import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel

import bfly.torch as btorch

BATCH, FEATURES = 64, 48


def make_problem():
    torch.manual_seed(0)
    layer = btorch.Butterfly(FEATURES, FEATURES, nblocks=2)
    x = torch.randn(BATCH, FEATURES)
    y = torch.randn(BATCH, FEATURES)
    return layer, x, y


def gradients(layer):
    return {name: p.grad.clone() for name, p in layer.named_parameters()}


def train_rank(rank, world, port, folder):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    layer, x, y = make_problem()
    model = DistributedDataParallel(layer)
    half = slice(rank * BATCH // world, (rank + 1) * BATCH // world)
    loss = torch.nn.functional.mse_loss(model(x[half]), y[half])
    loss.backward()
    torch.save(gradients(layer), os.path.join(folder, f"rank{rank}.pt"))
    dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_processes_get_the_gradients_of_one(tmp_path):
    mp.spawn(train_rank, args=(2, free_port(), str(tmp_path)), nprocs=2,
             join=True)
    layer, x, y = make_problem()
    torch.nn.functional.mse_loss(layer(x), y).backward()
    expected = gradients(layer)
    for rank in range(2):
        got = torch.load(tmp_path / f"rank{rank}.pt")
        assert got.keys() == expected.keys()
        for name in expected:
            torch.testing.assert_close(got[name], expected[name], rtol=1e-5,
                                       atol=1e-6)
