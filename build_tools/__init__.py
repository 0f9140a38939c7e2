"""The book's build tools, run from the repository root as ``python -m build_tools.<tool>``.

``hooks`` (MkDocs), ``vendor`` (runtimes into docs/vendor/), ``book_numbers`` (every number the book prints),
``pack_mnist`` and ``digits_assets`` (the digit data), ``cnn_spec``, ``train_cnn`` and ``export_onnx`` (the
digit CNN), ``browser`` (headless Chromium and the static test server), ``bench`` and ``audit``.
"""
