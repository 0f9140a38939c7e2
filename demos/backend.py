"""The matrix products that every layer routes its heavy work through.

Natively ``a @ b`` calls an optimised BLAS. Pyodide's NumPy is built without
BLAS, and there ``np.einsum`` is several times faster than its fallback ``@``
loop for 2-D products, so under Pyodide those go through ``einsum`` instead. Its speed
also depends on memory layout: a C-contiguous right operand is never a slow
case, and the copy costs little because that operand is usually a weight matrix.
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
