"""The matrix products and the exponential that every layer routes its heavy work through.

Natively ``a @ b`` calls an optimised BLAS. Pyodide's NumPy is built without
BLAS, and there ``np.einsum`` is several times faster than its fallback ``@``
loop for 2-D products, so under Pyodide those go through ``einsum`` instead. Its speed
also depends on memory layout: a C-contiguous right operand is never a slow
case, and the copy costs little because that operand is usually a weight matrix.

The same NumPy's ``np.exp`` costs about 50 ns per float32 number in WebAssembly (natively
under 1 ns), and a softmax over a vocabulary is one exponential per logit. Under Pyodide
``exp`` therefore evaluates large float32 arrays with the polynomial of Cephes' ``expf``
written as a few whole-array NumPy operations, about 2.5 times faster there
(``python -m build_tools.bench_llm`` prints both).
"""

import sys

import numpy as np

IN_BROWSER = sys.platform == "emscripten" or "pyodide" in sys.modules


def matmul(a, b):
    """2-D product ``a @ b`` of shapes (m, k) and (k, n)."""
    if IN_BROWSER:
        return np.einsum("ij,jk->ik", a, np.ascontiguousarray(b))
    return a @ b


def bmm(a, b):
    """Batched product over leading axes: (..., m, k) x (..., k, n) -> (..., m, n).

    Here ``np.matmul`` stays the faster path under Pyodide too: for the small per-head products of attention,
    einsum's broadcasting loop costs more than the missing BLAS (measured by ``python -m build_tools.bench_matmul``).
    """
    return np.matmul(a, b)


FAST_EXP_MIN_SIZE = 4096  # below this, the ~20 NumPy calls of exp_float32 cost more than one np.exp


def exp(x):
    """e^x elementwise (see the module's docstring for the path taken under Pyodide)."""
    x = np.asarray(x)
    if IN_BROWSER and x.dtype == np.float32 and x.size >= FAST_EXP_MIN_SIZE:
        return exp_float32(x)
    return np.exp(x)


# Cephes expf: e^x = 2^n e^r with n = round(x / ln 2), r = x - n ln 2 (ln 2 split in two parts, so that n ln 2 is exact
# enough), |r| <= ln 2 / 2, and e^r = 1 + r + r² P(r) with P of degree 5; 2^n is built from its float32 bits.
_LOG2E = np.float32(1.4426950408889634)
_LN2_HI, _LN2_LO = np.float32(0.693359375), np.float32(-2.12194440e-4)
_P = [np.float32(c) for c in (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1,
                              5.0000001201e-1)]


def exp_float32(x):
    """e^x of a float32 array within 2e-7 relative error of the exact value, from NumPy's basic operations only.
    x <= -88 gives 0 (e^-88 is below float32's normal range); from x ≈ 88.38 on it gives inf (np.exp: from 88.72);
    NaN stays NaN."""
    x = np.clip(x, np.float32(-88.0), np.float32(88.7))  # n + 127 stays within 0..255, the exponent field
    n = np.floor(x * _LOG2E + np.float32(0.5))
    r = x - n * _LN2_HI
    r -= n * _LN2_LO
    y = r * _P[0]
    for c in _P[1:]:
        y += c
        y *= r
    y *= r
    y += r
    y += np.float32(1)
    with np.errstate(invalid="ignore"):
        bits = n.astype(np.int32)  # NaN casts to some integer; y is NaN then anyway
    bits += 127
    bits <<= 23  # 2^n as float32 bits: exponent field n + 127 (0, i.e. the number 0, for n = -127)
    y *= bits.view(np.float32)
    return y
