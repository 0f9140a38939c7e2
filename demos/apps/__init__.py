"""The bridge between a page's demos and the NumPy core.

A demo session is a class ``Session(params)`` in ``demos/apps/<name>.py`` with

* ``__init__(params)``: checks the reader's settings and raises ``InputError`` with a message for the reader;
* ``advance(seconds) -> dict``: does about ``seconds`` of work and returns what the page plots;
* ``done``: true once finished, then ``result() -> dict``: the final figures (the demo's ``data-result``).

The browser worker calls ``start``, ``advance`` and ``stop`` with JSON strings; the same functions run natively
in the tests and the benchmark, so the page never re-implements the model.
"""
import importlib
import json
import math
import time

import numpy as np

ASSET_DIR = None  # set by the browser worker ('/assets'); natively, docs/vendor (see asset_path)


class InputError(ValueError):
    """A setting the reader can fix; the message is shown in the page as it is."""


_sessions = {}


def asset_path(relative):
    """Where a vendored asset (e.g. 'data/mnist.npz') is: fetched into /assets in the browser, docs/vendor natively."""
    import os
    base = ASSET_DIR
    if base is None:
        base = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "vendor")
    return os.path.join(base, relative)


def clean(value):
    """JSON-safe copy: NumPy types to Python, non-finite floats to None."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return clean(value.tolist())
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _reply(**fields):
    return json.dumps(clean(fields))


def session_class(name):
    """'gpt' -> demos.apps.gpt.Session; 'gpt:Generate' -> demos.apps.gpt.Generate (a demo's second kind of run,
    e.g. generating with the model its training session left in the module)."""
    module_name, _, class_name = name.partition(":")
    module = importlib.import_module("demos.apps." + module_name.replace("-", "_"))
    return getattr(module, class_name or "Session")


def start(sid, name, params_json):
    try:
        _sessions[sid] = session_class(name)(json.loads(params_json))
    except InputError as err:
        return _reply(state="error", message=str(err))
    except MemoryError:
        return _reply(state="error", message="内存不足：请把模型或数据调小一些再试。")
    except Exception as err:  # a bug, not the reader's fault: say so plainly
        return _reply(state="error", message="内部错误（{}）：{}".format(type(err).__name__, err))
    return _reply(state="running")


def advance(sid, seconds):
    from demos.train import Divergence

    session = _sessions.get(sid)
    if session is None:
        return _reply(state="error", message="这个演示已经结束，请重新开始训练。")
    try:
        progress = session.advance(seconds)
    except (InputError, Divergence) as err:
        del _sessions[sid]
        return _reply(state="error", message=str(err))
    except MemoryError:
        del _sessions[sid]
        return _reply(state="error", message="内存不足：请把模型或数据调小一些再试。")
    except Exception as err:  # a bug, not the reader's fault: say so plainly
        del _sessions[sid]
        return _reply(state="error", message="内部错误（{}）：{}".format(type(err).__name__, err))
    if session.done:
        del _sessions[sid]
        return _reply(state="done", progress=progress, result=session.result())
    return _reply(state="running", progress=progress)


def stop(sid):
    _sessions.pop(sid, None)


def run(name, params, slice_seconds=0.1, timeout=600.0):
    """Run a session to the end natively (tests, benchmark); return (final message, list of progress dicts)."""
    sid = "native-{}".format(time.time())
    reply = json.loads(start(sid, name, json.dumps(params)))
    updates = []
    deadline = time.time() + timeout
    while reply["state"] == "running" and time.time() < deadline:
        reply = json.loads(advance(sid, slice_seconds))
        if reply.get("progress") is not None:
            updates.append(reply["progress"])
    stop(sid)
    return reply, updates
