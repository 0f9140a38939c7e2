"""A small NumPy deep-learning core for the book's demos.

One module per idea: ``backend`` (the matrix product for the runtime), ``init``
(weight initialisers), ``layers``, ``losses``, ``optim``, ``rnn``, ``attention``,
``train`` (the training loop) and ``data`` (toy data sets and MNIST loaders).
The same code runs natively and in the browser (Pyodide 0.17: Python 3.8,
NumPy 1.17, no BLAS), so it sticks to NumPy 1.17 features and Python 3.8 syntax.
"""

__version__ = "0.1.0"
