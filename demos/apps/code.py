"""A code cell: run the reader's Python in the page's runtime, with what it prints captured and a time limit.

The worker gives Python short slices (``advance(seconds)`` has to return), and it can only see a Stop request
between two slices. So that a long or endless program can be stopped:

* every loop at the top level of the reader's code becomes a pause point: the module body is made the body of a
  generator function, with a ``yield`` at the start of each such loop and every module-level name declared
  ``global`` (so names resolve exactly as in a module), and each slice resumes the generator until its time is up;
* a trace function ends the program once the time limit is spent, also inside a function that never returns to
  the top level (those cannot pause; they are stopped by the limit).

Errors are the reader's, not the demo's: a SyntaxError or an exception ends the run with ``ok: false`` and a
traceback that shows only the reader's own lines.
"""
import ast
import builtins
import linecache
import pkgutil
import re
import sys
import time
import traceback

from demos.apps import InputError
from demos.apps.settings import Choice, Number, Settings

FILENAME = "<cell>"
MAX_SOURCE = 100000
MAX_OUTPUT = 100000
CHECK_EVERY = 200  # traced lines between two looks at the clock

SETTINGS = Settings(Number("time_limit", "时间上限（秒）", 30, 1, 300))
ACTION = Choice("action", "操作", "run", [("run", "运行"), ("load", "加载示例")])  # the page's, not the reader's

_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda,
                  ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class TimeLimit(BaseException):
    """Raised into the reader's code when its time is up (a BaseException, so `except Exception` cannot hide it)."""


def load_example(name):
    """Source of the example demos/examples/<name>.py (shipped with the package)."""
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,64}", name):
        raise InputError("示例名称无效（收到 {!r}）".format(name))
    try:
        data = pkgutil.get_data("demos", "examples/{}.py".format(name))
    except OSError:
        data = None
    if data is None:
        raise InputError("没有名为 {} 的示例".format(name))
    return data.decode("utf-8")


def module_names(body):
    """Names that the module-level statements bind (not those bound inside functions, classes or comprehensions).
    Returns None when the code has `from m import *`, whose names cannot be known in advance."""
    names = set()
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    return None
                names.add(alias.asname or alias.name.split(".")[0])
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        if not isinstance(node, _NESTED_SCOPES):
            stack.extend(ast.iter_child_nodes(node))
    return names


def add_pause_points(statements):
    """Put a `yield` at the start of every loop body among these statements and the blocks nested in them
    (but not inside functions or classes)."""
    for node in statements:
        if isinstance(node, (ast.For, ast.While)):
            node.body.insert(0, ast.copy_location(ast.Expr(ast.Yield(None)), node))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            add_pause_points(getattr(node, field, None) or [])
        for handler in getattr(node, "handlers", None) or []:
            add_pause_points(handler.body)


def as_generator(source):
    """Compile the module into `def __cell__(): global <module names>; yield; <body with pause points>`;
    None when that is not possible (then the program runs without pause points)."""
    tree = ast.parse(source, FILENAME)
    names = module_names(tree.body)
    if names is None or any(isinstance(node, ast.Global) for node in tree.body):
        return None
    add_pause_points(tree.body)
    func = ast.parse("def __cell__():\n    yield\n").body[0]
    func.body = ([ast.Global(names=sorted(names))] if names else []) + func.body + tree.body
    module = ast.fix_missing_locations(ast.Module(body=[func], type_ignores=[]))
    try:
        return compile(module, FILENAME, "exec")
    except SyntaxError:  # e.g. an annotated module name (`x: int = 1`) cannot be declared global
        return None


def run_whole(code, namespace):
    """The fallback program: all of it in one step."""
    exec(code, namespace)
    return
    yield  # makes this function a generator, like the sliced program


class Output:
    """Stands in for sys.stdout and sys.stderr: keeps what the program prints, up to MAX_OUTPUT characters."""

    def __init__(self):
        self.shown, self.pending, self.size, self.full = [], [], 0, False

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not {}".format(type(text).__name__))
        room = MAX_OUTPUT - self.size
        if len(text) > room and not self.full:
            self.full = True
            text = text[:room] + "\n……（输出超过 {} 个字符，后面的省略了）\n".format(MAX_OUTPUT)
        elif self.full:
            return 0
        self.pending.append(text)
        self.size += len(text)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def take(self):
        """What was printed since the last call."""
        chunk = "".join(self.pending)
        self.pending = []
        self.shown.append(chunk)
        return chunk

    def text(self):
        return "".join(self.shown) + "".join(self.pending)


def no_input(prompt=""):
    raise RuntimeError("代码单元里不能用 input() 读键盘输入：请把值直接写进代码里。")


def format_error(err):
    """A traceback of the reader's own frames (the runner's frames are left out), then the error itself."""
    if isinstance(err, SyntaxError):
        return "".join(traceback.format_exception_only(type(err), err))
    frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename == FILENAME]
    for f in frames:
        if f.name == "__cell__":
            f.name = "<module>"
    lines = ["Traceback (most recent call last):\n"] + traceback.format_list(frames)
    return "".join(lines + traceback.format_exception_only(type(err), err))


class Session:
    def __init__(self, params):
        action = ACTION.read(params.get("action", "run"))
        example = params.get("example")
        self.source = params.get("code")
        self.send_source = False
        if action == "load" or self.source is None:
            if example is None:
                raise InputError("没有代码可运行：请输入 Python 代码。")
            self.source = load_example(example)
            self.send_source = True
        self.action, self.example = action, example
        self.limit = SETTINGS.read(params)["time_limit"]
        self.output = Output()
        self.seconds = 0.0
        self.ok, self.error, self.timed_out = None, None, False
        self.done = action == "load"
        if self.done:
            return
        if not isinstance(self.source, str) or not self.source.strip():
            raise InputError("代码是空的：请输入要运行的 Python 代码，或点「恢复示例」。")
        if len(self.source) > MAX_SOURCE:
            raise InputError("代码太长（{} 个字符，最多 {}）。".format(len(self.source), MAX_SOURCE))
        linecache.cache[FILENAME] = (len(self.source), None, self.source.splitlines(True), FILENAME)
        self.namespace = {"__name__": "__main__", "__builtins__": builtins, "input": no_input}
        self.program = None
        try:
            code = compile(self.source, FILENAME, "exec")
        except (SyntaxError, ValueError) as err:  # ValueError: e.g. a NUL character in the source
            self._end(False, format_error(err))
            return
        sliced = as_generator(self.source)
        if sliced is None:
            self.program = run_whole(code, self.namespace)
        else:
            exec(sliced, self.namespace)
            self.program = self.namespace.pop("__cell__")()
        self.deadline = None
        self.ticks = 0

    def _end(self, ok, error=None):
        self.ok, self.error, self.done = ok, error, True
        self.program = None  # frees the reader's objects
        self.namespace = None

    def _trace_calls(self, frame, event, arg):
        return self._trace_lines if frame.f_code.co_filename == FILENAME else None

    def _trace_lines(self, frame, event, arg):
        self.ticks += 1
        if self.ticks >= CHECK_EVERY:
            self.ticks = 0
            if time.perf_counter() > self.deadline:
                raise TimeLimit()
        return self._trace_lines

    def advance(self, seconds):
        if not self.done:
            self._run(seconds)
        progress = {"output": self.output.take(), "seconds": round(self.seconds, 3)}
        if self.send_source:
            progress["source"] = self.source
            self.send_source = False
        return progress

    def _run(self, seconds):
        start = time.perf_counter()
        self.deadline = start + self.limit - self.seconds
        saved = sys.stdout, sys.stderr, sys.gettrace()
        sys.stdout = sys.stderr = self.output
        sys.settrace(self._trace_calls)
        try:
            while True:  # at least one step per slice, however short the slice
                if time.perf_counter() > self.deadline:
                    raise TimeLimit()
                next(self.program)
                if time.perf_counter() - start >= seconds:
                    break
        except StopIteration:
            self._end(True)
        except TimeLimit:
            self.timed_out = True
            self._end(False, "运行超时：代码运行了 {:g} 秒还没有结束，已被停止。请减少循环次数，"
                             "或调大「时间上限」。".format(self.limit))
        except SystemExit as err:
            clean_exit = err.code in (None, 0)
            self._end(clean_exit, None if clean_exit else "程序以 sys.exit({!r}) 结束。".format(err.code))
        except BaseException as err:  # the reader's error, reported like Python does
            self._end(False, format_error(err))
        finally:
            sys.settrace(saved[2])
            sys.stdout, sys.stderr = saved[0], saved[1]
            self.seconds += time.perf_counter() - start

    def result(self):
        if self.action == "load":
            return {"ok": True, "example": self.example, "source": self.source}
        out = {"ok": self.ok, "output": self.output.text(), "seconds": round(self.seconds, 3)}
        if self.error:
            out["error"] = self.error
        if self.timed_out:
            out["timed_out"] = True
        return out
