"""bfly.torch: the Butterfly layer against dense products of its twiddles,
its training, torch_butterfly's layout, and serving it compiled."""

import numpy as np
import pytest
import torch

import bfly
import bfly.torch as btorch
from reference import bit_reversal, dense_from_twiddles, permutation_matrix


def dense_map(layer):
    """The layer's matrix (out_features x in_features) from its twiddles."""
    twiddle = layer.twiddle.detach().numpy()
    stacks = [dense_from_twiddles(twiddle, s, layer.increasing_stride)
              for s in range(layer.nstacks)]
    if layer.permutation_table is not None:
        p = permutation_matrix(layer.permutation_table.tolist())
        stacks = [s @ p for s in stacks]
    return np.vstack(stacks)[:layer.out_features, :layer.in_features]


def check_forward(layer, batch=5):
    dtype = torch.complex64 if layer.complex else torch.float32
    x = torch.randn(batch, layer.in_features, dtype=dtype)
    expected = x.numpy().astype(np.complex128) @ dense_map(layer).T
    if layer.bias is not None:
        expected = expected + layer.bias.detach().numpy()
    y = layer(x).detach().numpy()
    assert y.shape == (batch, layer.out_features)
    np.testing.assert_allclose(y, expected if layer.complex else expected.real,
                               rtol=1e-4, atol=1e-4)
    return x


@pytest.mark.parametrize("options", [
    dict(in_features=64, out_features=64),
    dict(in_features=64, out_features=64, complex=True),
    dict(in_features=100, out_features=300),
    dict(in_features=32, out_features=10, nblocks=2, increasing_stride=False),
    dict(in_features=16, out_features=16, permutation="bit_reverse"),
    dict(in_features=8, out_features=8, bias=False, init="ortho"),
])
def test_the_layer_is_the_dense_product_of_its_twiddles(options):
    torch.manual_seed(0)
    layer = btorch.Butterfly(**options)
    with torch.no_grad():
        if layer.bias is not None:
            layer.bias.normal_()
    check_forward(layer)


def test_a_named_permutation_is_its_table():
    named = btorch.Butterfly(16, 16, permutation="bit_reverse")
    assert named.permutation_table.tolist() == bit_reversal(16)
    with pytest.raises(ValueError, match="bijection"):
        btorch.Butterfly(4, 4, permutation=[0, 0, 1, 2])


@pytest.mark.parametrize("options", [
    dict(in_features=64, out_features=64),
    dict(in_features=64, out_features=64, complex=True, nblocks=2),
    dict(in_features=100, out_features=300),
    dict(in_features=32, out_features=10, permutation="bit_reverse"),
])
def test_compiled_serving_equals_the_trained_layer(options):
    torch.manual_seed(1)
    layer = btorch.Butterfly(**options)
    with torch.no_grad():
        layer.bias.normal_()
    compiled = btorch.Compiled(layer)
    dtype = torch.complex64 if layer.complex else torch.float32
    x = torch.randn(3, 7, layer.in_features, dtype=dtype)
    torch.testing.assert_close(compiled(x), layer(x).detach(), rtol=1e-4,
                               atol=1e-4)


def test_compiled_refuses_what_it_cannot_serve():
    layer = btorch.Butterfly(16, 16)
    compiled = btorch.Compiled(layer)
    with pytest.raises(TypeError, match="float32"):
        compiled(torch.zeros(2, 16, dtype=torch.float64))
    with pytest.raises(ValueError, match="16"):
        compiled(torch.zeros(2, 17))
    with pytest.raises(TypeError):
        btorch.Compiled(torch.nn.Linear(4, 4))


def test_the_layer_learns_a_hadamard_transform():
    torch.manual_seed(2)
    n = 16
    hadamard = torch.tensor([[(-1.0) ** bin(i & j).count("1") for j in range(n)]
                             for i in range(n)]) / n ** 0.5
    layer = btorch.Butterfly(n, n, bias=False)
    optimizer = torch.optim.Adam(layer.parameters(), lr=0.02)
    x = torch.randn(256, n)
    target = x @ hadamard.T
    first = None
    for _ in range(600):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(layer(x), target)
        loss.backward()
        optimizer.step()
        first = first if first is not None else loss.item()
    assert loss.item() < 1e-3 * first


def test_torch_butterfly_weights_move_both_ways(tmp_path):
    torch.manual_seed(3)
    source = btorch.Butterfly(32, 32, nblocks=2)
    state = source.torch_butterfly_state_dict()
    assert tuple(state["twiddle"].shape) == (1, 2, 5, 16, 2, 2)
    target = btorch.Butterfly(32, 32, nblocks=2).load_torch_butterfly(state)
    x = torch.randn(4, 32)
    torch.testing.assert_close(target(x), source(x))

    path = tmp_path / "twiddle.npy"
    np.save(path, state["twiddle"].numpy())
    from_file = btorch.Butterfly(32, 32, nblocks=2, bias=False)
    from_file.load_torch_butterfly(str(path))
    torch.testing.assert_close(from_file.twiddle, source.twiddle)

    with pytest.raises(ValueError, match="shape"):
        btorch.Butterfly(16, 16).load_torch_butterfly(state)
    with pytest.raises(TypeError, match="complex"):
        btorch.Butterfly(32, 32, nblocks=2, complex=True).load_torch_butterfly(state)


def test_the_exported_model_is_the_layer_without_its_bias():
    torch.manual_seed(4)
    layer = btorch.Butterfly(16, 16, permutation="bit_reverse", nblocks=2)
    model = layer.to_model()
    np.testing.assert_allclose(model.matrix(), dense_map(layer), atol=1e-5)
    with pytest.raises(ValueError, match="to_models"):
        btorch.Butterfly(8, 20).to_model()
    assert len(btorch.Butterfly(8, 20).to_models()) == 3
    # Stacks take the layer's inputs as they are and share its outputs: the
    # padding and the truncation are in the models.
    wide = btorch.Butterfly(12, 20, bias=False)
    models = wide.to_models()
    assert [(m.in_n, m.out_n, m.n) for m in models] == [(12, 16, 16),
                                                        (12, 4, 16)]
    np.testing.assert_allclose(np.vstack([m.matrix() for m in models]),
                               dense_map(wide), atol=1e-5)
