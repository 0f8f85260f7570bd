"""bfly: learn a butterfly factorization of a linear map, compile it, run it.

    >>> import numpy as np, bfly
    >>> model = bfly.learn(np.fft.fft(np.eye(1024), norm="ortho"))
    >>> kernel = model.compile()
    >>> y = kernel(np.random.randn(64, 1024).astype(np.complex64))

* ``bfly.learn(matrix_or_target, n=None, *, model="auto", method="auto",
  precision="f32", ...)`` fits a model (a :class:`Model`): closed forms
  first, the paper's gradient method if they fall short.
* ``model.compile(cache_dir=None)`` JIT-compiles it into a :class:`Kernel`;
  ``bfly.load("lib.so")`` loads one made by ``bfly-compile``.
* ``kernel(x, out=None, *, threads=1)`` applies it to arrays of shape
  ``(..., n)`` in the kernel's exact dtype.
* ``bfly.torch`` has the ``Butterfly`` layer for PyTorch and ``Compiled``,
  which serves a trained layer through its compiled kernel.
"""

from ._bfly import (  # noqa: F401  (the public API)
    Error,
    Kernel,
    Model,
    __version__,
    load,
    load_model,
    permutation_table,
    read_twiddles,
    targets,
)
from . import _bfly


class NotRecoveredWarning(UserWarning):
    """A fit ended above its target RMSE; the model is its best attempt."""


class NotRecoveredError(Error):
    """A fit with ``require_recovery=True`` ended above its target RMSE."""


def learn(target, n=None, *, model="auto", method="auto", precision="f32",
          target_rmse=None, time_limit=120.0, seed=0, restarts=32, jobs=None,
          stride=None, twiddles="complex", require_recovery=False):
    """Fits a butterfly model to a matrix or a named target.

    target: a 2-D array (any numeric dtype; zero-padded to a square power
        of two) or a name from :func:`targets` (then ``n`` is its size).
    model: the model class: "auto" (the cheapest of bp, bpp and bpbp whose
        closed form recovers the target, in the given stride order or
        either), "bp", "bpp", "bpbp" or "bp" repeated k times.
    stride: "increasing" (stride 1 first) or "decreasing"; None: increasing,
        or either for model "auto".
    method: "auto" (closed forms, then gradient), "hierarchical",
        "spectral" (bpbp of a normal matrix) or "gradient".
    precision: "f32" or "f64", the precision the model is stored in.
    target_rmse: stop at this RMSE (default 1e-4 in f32, 1e-10 in f64).
    time_limit: wall-clock seconds for the whole fit; the best model so
        far is kept.
    jobs: gradient restarts run at once (default: one per CPU).
    require_recovery: raise :class:`NotRecoveredError` instead of warning
        (:class:`NotRecoveredWarning`) when the fit misses ``target_rmse``.

    Returns a :class:`Model`; ``model.rmse``, ``model.relative_error`` and
    ``model.recovered`` say how good it is.
    """
    return _bfly.learn(target, n, model=model, method=method,
                       precision=precision, target_rmse=target_rmse,
                       time_limit=time_limit, seed=seed, restarts=restarts,
                       jobs=jobs, stride=stride, twiddles=twiddles,
                       require_recovery=require_recovery)


def model_from_twiddles(twiddles, *, increasing_stride=True, stack=0,
                        permutation=None):
    """The model of one stack of a torch_butterfly twiddle tensor, shape
    ``(nstacks, nblocks, log2 n, n/2, 2, 2)``, after ``permutation`` (None,
    a name such as "bit_reverse", or a gather table)."""
    return _bfly.model_from_twiddles(twiddles,
                                     increasing_stride=increasing_stride,
                                     stack=stack, permutation=permutation)


__all__ = ["Error", "Kernel", "Model", "NotRecoveredError",
           "NotRecoveredWarning", "learn", "load", "load_model",
           "model_from_twiddles", "permutation_table", "read_twiddles", "targets", "__version__"]
