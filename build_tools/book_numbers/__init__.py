"""Every number the book prints in a worked example, computed by code.

A page writes ``{{n:key}}`` where the number goes; the MkDocs hook replaces it with ``all_numbers()[key]``
and fails the build on an unknown key. Each chapter keeps its numbers in a module of its own here,
with a ``numbers()`` function returning ``{key: formatted string}``.
"""
import importlib
import pkgutil


def fmt(x, digits=4):
    """Round half away from zero to `digits` decimals and print without a trailing '-0'."""
    s = "{:.{}f}".format(float(x), digits)
    return "0" + s[2:] if s.startswith("-0") and float(s) == 0 else s


def all_numbers():
    table = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(__name__ + "." + info.name)
        for key, value in module.numbers().items():
            if key in table:
                raise ValueError("number {!r} is defined twice (second time in {})".format(key, info.name))
            table[key] = str(value)
    return table
