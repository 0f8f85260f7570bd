"""bfly.Kernel: applying compiled kernels to numpy arrays, and every bad
input refused with a clear exception."""

import os
import subprocess
import threading
import time

import numpy as np
import pytest

import bfly
from reference import dense_from_twiddles

N = 64


@pytest.fixture(scope="module")
def dft():
    """The unitary DFT-64, learned from numpy's matrix and JIT-compiled."""
    matrix = np.fft.fft(np.eye(N), norm="ortho")
    return bfly.learn(matrix, require_recovery=True).compile()


def random_complex(shape, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(
        np.complex64)


def expected_dft(x):
    return np.fft.fft(x.astype(np.complex128), norm="ortho", axis=-1)


def close(actual, expected):
    return np.max(np.abs(actual - expected)) < 1e-5 * max(1, np.max(np.abs(expected)))


def test_the_kernel_describes_itself(dft):
    assert dft.n == N
    assert dft.dtype == np.complex64 and dft.out_dtype == np.complex64
    assert dft.flops > 0
    assert dft.phases == 0  # too small to split across threads
    assert dft.isa.startswith("x86-64")
    assert dft.origin == "jit"
    assert dft.provenance["target"] == "matrix"
    assert "n=64" in repr(dft)


@pytest.mark.parametrize("shape", [(N,), (1, N), (7, N), (3, 5, N)])
def test_any_batch_shape_matches_numpy_fft(dft, shape):
    x = random_complex(shape)
    y = dft(x)
    assert y.shape == shape and y.dtype == np.complex64
    assert close(y, expected_dft(x))


def test_a_tuned_kernel_computes_the_same_transform(tmp_path):
    model = bfly.learn(np.fft.fft(np.eye(N), norm="ortho"),
                       require_recovery=True)
    tuned = model.compile(cache_dir=str(tmp_path), tune=True)
    x = random_complex((8, N), seed=3)
    assert close(tuned(x), expected_dft(x))
    assert (tmp_path / "wisdom.txt").exists()
    assert close(model.compile(cache_dir=str(tmp_path), tune=True)(x),
                 expected_dft(x))


def test_kernels_of_the_adjoint_and_inverse(tmp_path):
    matrix = np.fft.fft(np.eye(N), norm="ortho")
    model = bfly.learn(matrix, require_recovery=True)
    x = random_complex((4, N), seed=4)
    adjoint = model.compile(op="adjoint")
    inverse = model.compile(op="inverse")
    assert close(adjoint(x), x.astype(np.complex128) @ matrix.conj())
    assert close(inverse(x), x.astype(np.complex128) @ np.linalg.inv(matrix).T)
    with pytest.raises(ValueError, match="op must be"):
        model.compile(op="sideways")


def test_an_empty_batch_gives_an_empty_result(dft):
    y = dft(np.zeros((0, N), np.complex64))
    assert y.shape == (0, N)


def test_strided_and_transposed_inputs_are_read_where_they_lie(dft):
    base = random_complex((12, 2 * N), seed=1)
    for x in (base[::3, :N],               # every third row
              base[:, ::2],                # every other element
              np.asfortranarray(base[:, :N]),  # column-major
              base[::-1, :N],              # negative strides: copied
              random_complex((N, 6)).T):   # a transposed view
        assert close(dft(x), expected_dft(x))


def test_out_may_be_strided_or_the_input_itself(dft):
    x = random_complex((6, N), seed=2)
    big = np.zeros((6, 3 * N), np.complex64)
    out = big[:, N:2 * N]
    result = dft(x, out=out)
    assert result is out
    assert close(big[:, N:2 * N], expected_dft(x))
    assert not big[:, :N].any() and not big[:, 2 * N:].any()

    reversed_out = np.zeros((6, N), np.complex64)[::-1]
    assert close(dft(x, out=reversed_out), expected_dft(x))

    y = x.copy()
    dft(y, out=y)
    assert close(y, expected_dft(x))


def test_threads_do_not_change_the_result(dft):
    x = random_complex((4096, N), seed=3)
    one = dft(x)
    for threads in (2, 0):
        np.testing.assert_array_equal(dft(x, threads=threads), one)


def test_one_large_vector_split_across_threads_keeps_its_bits(tmp_path):
    n = 65536
    path = tmp_path / "dft.mlir"
    subprocess.run([f"{os.environ['BFLY_TOOLS']}/bfly-model", "dft", "-n",
                    str(n), "-o", str(path)], check=True)
    kernel = bfly.load_model(str(path)).compile()
    assert kernel.phases > 1
    x = random_complex((n,), seed=5)
    one = kernel(x)
    np.testing.assert_array_equal(kernel(x, threads=2), one)
    assert close(one, expected_dft(x))


def test_a_real_kernel_matches_the_dense_product_of_its_twiddles():
    rng = np.random.default_rng(4)
    twiddle = rng.standard_normal((1, 2, 5, 16, 2, 2)).astype(np.float32)
    model = bfly.model_from_twiddles(twiddle, increasing_stride=False)
    kernel = model.compile()
    assert kernel.dtype == np.float32 and kernel.out_dtype == np.float32
    x = rng.standard_normal((9, 32)).astype(np.float32)
    dense = dense_from_twiddles(twiddle, increasing_stride=False).real
    np.testing.assert_allclose(kernel(x), x @ dense.T, rtol=1e-4, atol=1e-4)


def test_the_wrong_dtype_is_a_type_error_never_a_conversion(dft):
    x = random_complex((2, N))
    for wrong in (x.astype(np.complex128), x.real.copy(),
                  x.real.astype(np.float64), x.astype(">c8")):
        with pytest.raises(TypeError, match="complex64"):
            dft(wrong)
    with pytest.raises(TypeError, match="out has dtype"):
        dft(x, out=np.zeros((2, N), np.complex128))
    with pytest.raises(TypeError, match="numpy array"):
        dft(x, out=[0] * N)


def test_shapes_that_do_not_fit_are_value_errors(dft):
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 64\)"):
        dft(np.zeros((2, N + 1), np.complex64))
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 64\)"):
        dft(np.complex64(1))
    with pytest.raises(ValueError, match="out has shape"):
        dft(np.zeros((2, N), np.complex64), out=np.zeros((3, N), np.complex64))
    with pytest.raises(ValueError, match="threads"):
        dft(np.zeros(N, np.complex64), threads=-1)


def test_calls_with_the_wrong_arguments_are_type_errors(dft):
    x = np.zeros(N, np.complex64)
    with pytest.raises(TypeError, match="positional"):
        dft()
    with pytest.raises(TypeError, match="positional"):
        dft(x, x, 1)
    with pytest.raises(TypeError, match="twice"):
        dft(x, x, out=x)
    with pytest.raises(TypeError, match="keywords out and threads"):
        dft(x, threds=2)
    with pytest.raises(TypeError):
        dft(x, threads="two")
    np.testing.assert_array_equal(dft(x, None, threads=1), dft(x))


def test_read_only_and_overlapping_outputs_are_refused(dft):
    x = random_complex((4, N))
    out = np.zeros((4, N), np.complex64)
    out.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        dft(x, out=out)
    buffer = random_complex((5, N))
    with pytest.raises(ValueError, match="overlap"):
        dft(buffer[:4], out=buffer[1:])


def test_a_closed_kernel_refuses_every_call():
    kernel = bfly.learn("hadamard", n=16, require_recovery=True).compile()
    with kernel:
        kernel(np.zeros(16, kernel.dtype))
    assert kernel.closed
    with pytest.raises(ValueError, match="closed"):
        kernel(np.zeros(16, kernel.dtype))
    with pytest.raises(ValueError, match="closed"):
        kernel.flops
    kernel.close()  # twice is fine
    assert "closed" in repr(kernel)


def test_the_gil_is_released_while_the_kernel_runs(dft):
    x = random_complex((200_000, N))
    out = np.empty_like(x)
    worker = threading.Thread(target=lambda: [dft(x, out=out) for _ in range(5)])
    counted = 0
    worker.start()
    while worker.is_alive():
        counted += 1
        time.sleep(0)
    worker.join()
    assert counted > 100


def test_close_waits_for_running_calls():
    kernel = bfly.learn("dft", n=N, require_recovery=True).compile()
    x = random_complex((300_000, N))
    done = []
    worker = threading.Thread(target=lambda: done.append(kernel(x)))
    worker.start()
    time.sleep(0.01)
    kernel.close()
    worker.join()
    assert len(done) == 1 and close(done[0][:4], expected_dft(x[:4]))
    with pytest.raises(ValueError, match="closed"):
        kernel(x[:1])


def test_load_reads_a_kernel_that_bfly_compile_made(tmp_path):
    tools = os.environ["BFLY_TOOLS"]
    model = tmp_path / "dft.mlir"
    library = tmp_path / "libdft.so"
    subprocess.run([f"{tools}/bfly-model", "dft", "-n", str(N), "-o", str(model)],
                   check=True)
    subprocess.run([f"{tools}/bfly-compile", str(model), "-o", str(library)],
                   check=True)
    kernel = bfly.load(str(library))
    assert kernel.origin == str(library) and kernel.n == N
    x = random_complex((3, N))
    assert close(kernel(x), expected_dft(x))
    with pytest.raises(ValueError, match="n"):
        bfly.load(str(library), n=2 * N)


def test_files_that_are_not_kernels_are_refused(tmp_path):
    with pytest.raises(OSError):
        bfly.load(str(tmp_path / "missing.so"))
    text = tmp_path / "text.so"
    text.write_text("not a shared object")
    with pytest.raises(OSError):
        bfly.load(str(text))


@pytest.mark.parametrize("n", [16, 1024])
def test_real_input_kernels_match_numpy_rfft_and_irfft(tmp_path, n):
    tools = os.environ["BFLY_TOOLS"]
    kernels = {}
    for name in ("rfft", "irfft"):
        path = tmp_path / f"{name}.mlir"
        subprocess.run([f"{tools}/bfly-model", name, "-n", str(n), "-o",
                        str(path)], check=True)
        kernels[name] = bfly.load_model(str(path)).compile()
    rfft, irfft = kernels["rfft"], kernels["irfft"]
    assert (rfft.n, rfft.out_n) == (n, n // 2 + 1)
    assert rfft.dtype == np.float32 and rfft.out_dtype == np.complex64
    assert f"out_n={n // 2 + 1}" in repr(rfft)
    x = np.random.default_rng(2).standard_normal((3, n)).astype(np.float32)
    spectrum = rfft(x)
    assert spectrum.shape == (3, n // 2 + 1)
    assert close(spectrum, np.fft.rfft(x.astype(np.float64), axis=-1))
    # FFTW's c2r: n times numpy's irfft.
    assert close(irfft(spectrum) / n, x)
    with pytest.raises(ValueError, match="shape"):
        rfft(x, out=np.empty((3, n), np.complex64))
    with pytest.raises(ValueError, match="real"):
        bfly.load_model(str(tmp_path / "rfft.mlir")).matrix()


def test_a_rectangular_matrix_is_learned_as_a_rectangular_kernel():
    # A 3 x 12 corner of the 16-point Hadamard matrix: 12 inputs, 3 outputs.
    h = np.array([[(-1) ** bin(r & c).count("1") for c in range(16)]
                  for r in range(16)], np.float32)
    w = h[:3, :12]
    model = bfly.learn(w, method="hierarchical")
    assert (model.n, model.in_n, model.out_n) == (16, 12, 3)
    assert model.matrix().shape == (3, 12)
    kernel = model.compile()
    assert (kernel.n, kernel.out_n) == (12, 3)
    corner = model.corner(2, 5)
    assert (corner.in_n, corner.out_n) == (5, 2)
    np.testing.assert_allclose(corner.matrix(), model.matrix()[:2, :5])
    with pytest.raises(ValueError, match="corner"):
        model.corner(4, 12)
    x = np.random.default_rng(3).standard_normal((5, 12)).astype(np.float32)
    np.testing.assert_allclose(kernel(x), x @ model.matrix().T, rtol=1e-4,
                               atol=1e-4)


def test_a_100_x_300_matrix_from_npy_runs_with_300_inputs_and_100_outputs(
        tmp_path):
    w = np.random.default_rng(5).standard_normal((100, 300)).astype(np.float32)
    path = tmp_path / "w.npy"
    np.save(path, w)
    with pytest.warns(bfly.NotRecoveredWarning):  # random: no fast form
        model = bfly.learn(np.load(path), method="hierarchical")
    kernel = model.compile()
    assert (kernel.n, kernel.out_n) == (300, 100)
    x = np.random.default_rng(6).standard_normal((4, 300)).astype(np.float32)
    y = kernel(x)
    assert y.shape == (4, 100)
    np.testing.assert_allclose(y, x @ model.matrix().T, rtol=1e-3, atol=1e-3)
