"""Butterfly layers for PyTorch, and serving a trained one compiled.

:class:`Butterfly` is a drop-in for ``nn.Linear`` with O(n log n)
parameters, trained by autograd. Its weights use torch_butterfly's layout
(``twiddle`` of shape ``(nstacks, nblocks, log2 n, n/2, 2, 2)``, ``bias``),
so a state dict moves between the two unchanged. :class:`Compiled` serves a
trained layer through bfly's compiled kernel: the same outputs, a fraction
of the time.

    >>> layer = bfly.torch.Butterfly(1024, 1024)
    >>> ...train it...
    >>> fast = bfly.torch.Compiled(layer)
    >>> y = fast(x)
"""

import math

import numpy as np
import torch
from torch import nn

import bfly

__all__ = ["Butterfly", "Compiled", "butterfly_multiply"]


def butterfly_multiply(twiddle, x, increasing_stride=True):
    """Applies the butterflies in ``twiddle`` to ``x`` of shape
    ``(batch, nstacks, n)``: for each block, log2 n stages; block 0's
    strides increase (1, 2, ..., n/2) when ``increasing_stride``, and each
    next block goes the other way. Pair p of a stage of stride h mixes
    elements 2h (p // h) + p % h and that + h by twiddle[..., p, :, :]
    ([out][in])."""
    nstacks, nblocks, log_n, half = twiddle.shape[:4]
    n = 2 * half
    batch = x.shape[0]
    increasing = increasing_stride
    for block in range(nblocks):
        for index in range(log_n):
            stride = 1 << (index if increasing else log_n - 1 - index)
            groups = n // (2 * stride)
            t = twiddle[:, block, index].reshape(nstacks, groups, stride, 2, 2)
            pairs = x.reshape(batch, nstacks, groups, 2, stride)
            low, high = pairs[:, :, :, 0], pairs[:, :, :, 1]
            y0 = t[..., 0, 0] * low + t[..., 0, 1] * high
            y1 = t[..., 1, 0] * low + t[..., 1, 1] * high
            x = torch.stack((y0, y1), dim=3).reshape(batch, nstacks, n)
        increasing = not increasing
    return x


def _permutation_table(permutation, n):
    """The gather table of ``permutation`` for n elements, or None."""
    if permutation is None:
        return None
    if isinstance(permutation, str):
        return bfly.permutation_table(permutation, n)
    table = [int(i) for i in permutation]
    if sorted(table) != list(range(n)):
        raise ValueError(f"the permutation must be a bijection of 0..{n - 1}")
    return table


class Butterfly(nn.Module):
    """A linear map ``in_features -> out_features`` as butterflies.

    Inputs are zero-padded to n = the next power of two of in_features;
    ``ceil(out_features / n)`` stacks of ``nblocks`` butterflies each make
    n outputs, which are concatenated and cut to out_features (as in
    torch_butterfly). ``permutation`` (None, "bit_reverse", ... or a table
    P with y[i] = x[P[i]]) is applied to the padded input first.

    init: "randn" (Gaussian twiddles keeping the norm), "ortho" (random
    rotations) or "identity".
    """

    def __init__(self, in_features, out_features, bias=True, complex=False,
                 increasing_stride=True, nblocks=1, permutation=None,
                 init="randn"):
        super().__init__()
        if in_features < 1 or out_features < 1 or nblocks < 1:
            raise ValueError("in_features, out_features and nblocks must be "
                             "positive")
        self.in_features = in_features
        self.out_features = out_features
        self.complex = complex
        self.increasing_stride = increasing_stride
        self.nblocks = nblocks
        self.log_n = max(1, math.ceil(math.log2(in_features)))
        self.n = 1 << self.log_n
        self.nstacks = math.ceil(out_features / self.n)
        self.permutation = permutation
        table = _permutation_table(permutation, self.n)
        self.register_buffer(
            "permutation_table",
            None if table is None else torch.tensor(table, dtype=torch.long),
            persistent=False)
        dtype = torch.complex64 if complex else torch.float32
        shape = (self.nstacks, nblocks, self.log_n, self.n // 2, 2, 2)
        self.twiddle = nn.Parameter(self._initial_twiddle(shape, dtype, init))
        if bias:
            self.bias = nn.Parameter(torch.zeros(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)

    @staticmethod
    def _initial_twiddle(shape, dtype, init):
        if init == "randn":
            # Each 2x2 block keeps a vector's expected norm.
            scale = 1 / math.sqrt(2)
            return torch.randn(shape, dtype=dtype) * scale
        if init == "ortho":
            theta = torch.rand(shape[:-2]) * 2 * math.pi
            c, s = torch.cos(theta), torch.sin(theta)
            rotation = torch.stack((torch.stack((c, -s), -1),
                                    torch.stack((s, c), -1)), -2)
            return rotation.to(dtype)
        if init == "identity":
            twiddle = torch.zeros(shape, dtype=dtype)
            twiddle[..., 0, 0] = 1
            twiddle[..., 1, 1] = 1
            return twiddle
        raise ValueError(f"init must be randn, ortho or identity; got {init!r}")

    def forward(self, x):
        if x.shape[-1] != self.in_features:
            raise ValueError(f"expected inputs of size {self.in_features} in "
                             f"the last dimension; got {tuple(x.shape)}")
        batch_shape = x.shape[:-1]
        x = x.reshape(-1, self.in_features)
        if self.in_features < self.n:
            x = nn.functional.pad(x, (0, self.n - self.in_features))
        if self.permutation_table is not None:
            x = x[:, self.permutation_table]
        x = x.unsqueeze(1).expand(-1, self.nstacks, self.n)
        y = butterfly_multiply(self.twiddle, x, self.increasing_stride)
        y = y.reshape(-1, self.nstacks * self.n)[:, :self.out_features]
        if self.bias is not None:
            y = y + self.bias
        return y.reshape(*batch_shape, self.out_features)

    def to_models(self):
        """One bfly.Model per stack (the permutation, then the stack's
        butterflies), in the twiddles' precision: each takes in_features
        inputs (the padding to n is in the model) and gives its share of
        the out_features outputs (n, the last one the rest)."""
        twiddle = self.twiddle.detach().cpu().numpy()
        permutation = (None if self.permutation_table is None
                       else self.permutation_table.tolist())
        models = []
        for s in range(self.nstacks):
            model = bfly.model_from_twiddles(
                twiddle, increasing_stride=self.increasing_stride, stack=s,
                permutation=permutation)
            rows = min(self.n, self.out_features - s * self.n)
            models.append(model.corner(rows, self.in_features))
        return models

    def to_model(self):
        """The layer's map (without its bias) as a bfly.Model; layers with
        several stacks (out_features > n) have one per stack:
        :meth:`to_models`."""
        if self.nstacks != 1:
            raise ValueError(f"this layer has {self.nstacks} stacks "
                             "(out_features > n): use to_models()")
        return self.to_models()[0]

    def torch_butterfly_state_dict(self):
        """The weights as torch_butterfly's Butterfly keeps them."""
        state = {"twiddle": self.twiddle.detach().clone()}
        if self.bias is not None:
            state["bias"] = self.bias.detach().clone()
        return state

    def load_torch_butterfly(self, state):
        """Loads torch_butterfly weights: a state dict (``twiddle``,
        optionally ``bias``), a twiddle tensor, or a .npy/.safetensors
        file of the twiddle."""
        if isinstance(state, str):
            state = {"twiddle": torch.from_numpy(bfly.read_twiddles(state))}
        elif isinstance(state, (torch.Tensor, np.ndarray)):
            state = {"twiddle": torch.as_tensor(state)}
        twiddle = torch.as_tensor(state["twiddle"])
        if tuple(twiddle.shape) != tuple(self.twiddle.shape):
            raise ValueError(f"twiddle has shape {tuple(twiddle.shape)}; this "
                             f"layer's is {tuple(self.twiddle.shape)}")
        if twiddle.is_complex() != self.complex:
            raise TypeError("complex twiddles need a complex layer, and real "
                            "ones a real layer")
        with torch.no_grad():
            self.twiddle.copy_(twiddle)
            if "bias" in state and self.bias is not None:
                self.bias.copy_(torch.as_tensor(state["bias"]))
        return self

    def extra_repr(self):
        return (f"in_features={self.in_features}, "
                f"out_features={self.out_features}, "
                f"bias={self.bias is not None}, complex={self.complex}, "
                f"nblocks={self.nblocks}, n={self.n}, nstacks={self.nstacks}")


class Compiled(nn.Module):
    """A trained :class:`Butterfly` served through compiled kernels (one
    per stack; inference only, no gradients). Takes and returns tensors
    like the layer: float32 (complex64 for complex layers), shape
    ``(..., in_features)``; outputs equal the layer's to float rounding.
    The layer's weights are copied: later training does not change it."""

    def __init__(self, module, cache_dir=None, threads=1):
        super().__init__()
        if not isinstance(module, Butterfly):
            raise TypeError("Compiled serves a bfly.torch.Butterfly")
        self.in_features = module.in_features
        self.out_features = module.out_features
        self.n = module.n
        self.threads = threads
        self.kernels = [m.compile(cache_dir) for m in module.to_models()]
        self.dtype = torch.complex64 if module.complex else torch.float32
        self.bias = (None if module.bias is None
                     else module.bias.detach().clone())
        self._bias = None if self.bias is None else self.bias.numpy()

    def forward(self, x):
        # Plain numpy between the tensors: no autograd, no torch dispatch
        # (a few microseconds a call at batch 1).
        if x.dtype != self.dtype:
            raise TypeError(f"expected a {self.dtype} tensor; got {x.dtype}")
        if x.shape[-1] != self.in_features:
            raise ValueError(f"expected inputs of size {self.in_features} in "
                             f"the last dimension; got {tuple(x.shape)}")
        if x.requires_grad:
            x = x.detach()
        source = x.numpy()  # a TypeError for tensors not on the CPU
        # The kernels pad and truncate themselves: x goes in as it is.
        if len(self.kernels) == 1:
            y = self.kernels[0](source, threads=self.threads)
        else:
            y = np.empty(source.shape[:-1] + (self.out_features,),
                         source.dtype)
            for s, kernel in enumerate(self.kernels):
                kernel(source, out=y[..., s * self.n:s * self.n + kernel.out_n],
                       threads=self.threads)
        if self._bias is not None:
            np.add(y, self._bias, out=y)
        return torch.from_numpy(y)
