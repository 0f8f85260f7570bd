"""bfly.learn and bfly.Model: fits checked against numpy's and scipy's own
transforms, models saved and read, bad inputs refused."""

import os

import numpy as np
import pytest
import scipy.fft
import scipy.linalg

import bfly


def test_a_dft_matrix_from_numpy_is_recovered_exactly():
    n = 128
    target = np.fft.fft(np.eye(n), norm="ortho")
    model = bfly.learn(target)
    assert model.recovered and model.rmse < 1e-6
    assert model.relative_error < 1e-5
    assert model.n == n and model.dtype == np.complex64
    assert model.method
    np.testing.assert_allclose(model.matrix(), target, atol=1e-6)
    assert model.provenance["target"] == "matrix"
    assert model.provenance["n"] == str(n)


def test_scipys_dct_is_a_bpp_model():
    n = 64
    dct = scipy.fft.dct(np.eye(n), norm="ortho", axis=0)
    model = bfly.learn(dct, model="bpp", require_recovery=True)
    assert model.real_input and model.real_output
    np.testing.assert_allclose(model.matrix(), dct, atol=1e-5)
    kernel = model.compile()
    assert kernel.dtype == np.float32 and kernel.out_dtype == np.float32
    x = np.random.default_rng(1).standard_normal((5, n)).astype(np.float32)
    np.testing.assert_allclose(kernel(x), scipy.fft.dct(x, norm="ortho"),
                               atol=1e-5)


def test_an_integer_hadamard_matrix_in_double_precision():
    n = 32
    target = scipy.linalg.hadamard(n)  # int64 entries, no 1/sqrt(n)
    model = bfly.learn(target, precision="f64", require_recovery=True)
    assert model.dtype == np.float64  # a real target: a real chain
    np.testing.assert_allclose(model.matrix(), target, atol=1e-9)


def test_a_rectangular_matrix_is_padded_to_a_power_of_two():
    rng = np.random.default_rng(0)
    model = bfly.learn(rng.standard_normal((3, 5)), time_limit=5)
    assert model.n == 8


def test_a_missed_fit_warns_and_can_be_an_error():
    with pytest.warns(bfly.NotRecoveredWarning, match="not recovered.*target_rmse"):
        model = bfly.learn("randn", n=16, method="hierarchical")
    assert model.recovered is False and model.relative_error > 0.1
    with pytest.raises(bfly.NotRecoveredError, match="not recovered"):
        bfly.learn("randn", n=16, method="hierarchical", require_recovery=True)


def test_a_model_survives_a_save_and_a_load(tmp_path):
    model = bfly.learn("hadamard", n=16, require_recovery=True)
    path = str(tmp_path / "h16.mlir")
    model.save(path)
    loaded = bfly.load_model(path)
    assert loaded.n == 16 and loaded.provenance == model.provenance
    assert loaded.rmse == pytest.approx(model.rmse, rel=1e-2, abs=1e-12)
    np.testing.assert_array_equal(loaded.matrix(), model.matrix())
    assert [f[0] for f in loaded.factors] == [f[0] for f in model.factors]


def test_compiling_with_a_cache_folder_keeps_the_kernel(tmp_path):
    model = bfly.learn("dft", n=32, require_recovery=True)
    cache = tmp_path / "cache"
    first = model.compile(str(cache))
    assert any(name.endswith(".so") for name in os.listdir(cache))
    second = model.compile(str(cache))
    x = np.arange(32, dtype=np.complex64)
    np.testing.assert_array_equal(first(x), second(x))


def test_unusable_targets_are_refused_before_any_work():
    with pytest.raises(ValueError, match="2-D"):
        bfly.learn(np.ones(16))
    with pytest.raises(TypeError, match="numeric"):
        bfly.learn(np.array([["a", "b"], ["c", "d"]]))
    with pytest.raises(ValueError, match="non-finite"):
        bfly.learn(np.array([[1.0, np.nan], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="8192"):
        bfly.learn(np.zeros((1, 10000), np.float32))
    with pytest.raises(ValueError, match="unknown target 'fourier'"):
        bfly.learn("fourier", n=16)
    with pytest.raises(ValueError, match="n="):
        bfly.learn("dft")
    with pytest.raises(ValueError, match="power of two"):
        bfly.learn("dft", n=12)
    with pytest.raises(ValueError, match="method"):
        bfly.learn("dft", n=16, method="newton")
    with pytest.raises(ValueError, match="model class"):
        bfly.learn("dft", n=16, model="bq")
    with pytest.raises(ValueError, match="spectral"):
        bfly.learn("dft", n=16, method="spectral", model="bp")
    with pytest.raises(ValueError, match="precision"):
        bfly.learn("dft", n=16, precision="f16")


def test_files_that_cannot_be_written_or_read_are_refused(tmp_path):
    model = bfly.learn("hadamard", n=4, require_recovery=True)
    with pytest.raises(OSError):
        model.save(str(tmp_path / "missing" / "folder" / "m.mlir"))
    garbage = tmp_path / "garbage.mlir"
    garbage.write_text("bfly.transform @x(")
    with pytest.raises(ValueError):
        bfly.load_model(str(garbage))
    with pytest.raises(ValueError):
        bfly.load_model(str(tmp_path / "absent.mlir"))


def test_the_named_targets_are_listed():
    assert {"dft", "dct", "hadamard", "randn"} <= set(bfly.targets())
