"""The code-cell session (demos/apps/code.py), natively: the example, unchanged semantics of the sliced program,
errors reported on the reader's lines, pause points, the time limit, the output cap, and bad input."""
import contextlib
import io
import os
import subprocess
import sys
import textwrap
import time

import pytest

from demos.apps import InputError, run
from demos.apps import code as cell
from demos.apps.code import Session

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "demos", "examples", "training_loop.py")


def run_cell(source, slice_seconds=0.1, **params):
    session = Session(dict(params, code=source))
    while not session.done:
        session.advance(slice_seconds)
    return session.result()


def plain_output(source):
    """What the same code prints when run as an ordinary module."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<plain>", "exec"), {"__name__": "__main__"})
    return out.getvalue()


def test_load_returns_the_shipped_example():
    reply, _ = run("code", {"action": "load", "example": "training_loop"})
    with open(EXAMPLE, encoding="utf-8") as f:
        assert reply["result"]["source"] == f.read()


def test_the_example_prints_what_it_prints_as_a_script():
    reply, updates = run("code", {"example": "training_loop"})
    expected = subprocess.run([sys.executable, EXAMPLE], capture_output=True, text=True, check=True,
                              cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT)).stdout
    assert reply["result"]["ok"] is True
    assert reply["result"]["output"] == expected
    assert "".join(u["output"] for u in updates) == expected
    assert updates[0]["source"].startswith('"""The training loop')


SNIPPETS = {
    "globals and functions": """
        total = 0
        def add(v):
            global total
            total += v
        for i in range(5):
            add(i)
        print(total, i)
        """,
    "closures see later names": """
        def f():
            return later * 2
        later = 21
        print(f())
        """,
    "class body and comprehension": """
        base = 10
        class A:
            k = base + 1
            def m(self):
                return [base + j for j in range(3)]
        print(A.k, A().m(), [x * base for x in range(3)])
        """,
    "nested loops, break, continue, else": """
        for i in range(3):
            for j in range(3):
                if j == 2:
                    break
                print(i, j)
            else:
                print('never')
        else:
            print('done', i)
        n = 0
        while n < 3:
            n += 1
            if n == 2:
                continue
            print('n', n)
        """,
    "try, finally, with, del": """
        import io as stream
        try:
            for k in range(2):
                print(k)
            raise ValueError('x')
        except ValueError as err:
            print('caught', err)
        finally:
            print('finally')
        with stream.StringIO('abc') as f:
            print(f.read())
        del f
        print('f' in dir())
        """,
    "walrus and unpacking": """
        a, (b, c) = 1, (2, 3)
        if (d := a + b + c) > 5:
            print(d)
        print(sorted(globals().keys() & {'a', 'b', 'c', 'd'}))
        """,
    "star import (runs unsliced)": """
        from math import *
        for _ in range(2):
            print(floor(pi))
        """,
    "annotated name (runs unsliced)": """
        x: int = 3
        for _ in range(2):
            print(x)
        """,
    "top-level global (runs unsliced)": """
        global y
        y = 5
        for _ in range(2):
            print(y)
        """,
    "main guard": """
        def main():
            print('main ran')
        if __name__ == '__main__':
            main()
        """,
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_the_sliced_program_behaves_like_the_plain_module(name):
    source = textwrap.dedent(SNIPPETS[name])
    assert (cell.as_generator(source) is None) == ("unsliced" in name)
    result = run_cell(source, slice_seconds=0.0)  # a pause at every loop iteration
    assert result["ok"] is True, result.get("error")
    assert result["output"] == plain_output(source)


def test_top_level_loops_pause_so_that_a_slice_returns_on_time():
    before = sys.stdout, sys.gettrace()
    session = Session({"code": "i = 0\nwhile True:\n    i += 1\n", "time_limit": 60})
    for _ in range(5):
        start = time.perf_counter()
        session.advance(0.05)
        assert time.perf_counter() - start < 0.5
        assert not session.done
        assert (sys.stdout, sys.gettrace()) == before  # between slices the runtime is left as it was


def test_a_loop_inside_a_function_is_ended_by_the_time_limit():
    start = time.perf_counter()
    result = run_cell("def spin():\n    while True:\n        pass\nprint('start')\nspin()\n", time_limit=1)
    assert 1.0 <= time.perf_counter() - start < 3.0
    assert result["ok"] is False and result["timed_out"] is True
    assert "运行超时" in result["error"] and result["output"] == "start\n"


def test_an_exception_shows_only_the_readers_frames():
    result = run_cell("import numpy as np\nprint('before')\ndef half(x):\n    return x / zero\n\nhalf(np.ones(2))\n")
    assert result["ok"] is False and result["output"] == "before\n"
    error = result["error"]
    assert error.startswith("Traceback (most recent call last):")
    assert 'File "<cell>", line 6, in <module>' in error and 'File "<cell>", line 4, in half' in error
    assert "return x / zero" in error and error.rstrip().endswith("NameError: name 'zero' is not defined")
    assert "demos" not in error and "__cell__" not in error


def test_a_syntax_error_points_at_the_line():
    result = run_cell("x = 1\nif x > 0\n    print(x)\n")
    assert result["ok"] is False
    assert 'File "<cell>", line 2' in result["error"] and "SyntaxError" in result["error"]


def test_sys_exit_and_input():
    assert run_cell("print('a')\nimport sys\nsys.exit()\nprint('b')\n") == {"ok": True, "output": "a\n",
                                                                            "seconds": pytest.approx(0, abs=0.5)}
    failed = run_cell("import sys\nsys.exit(2)\n")
    assert failed["ok"] is False and "sys.exit(2)" in failed["error"]
    asked = run_cell("name = input('name? ')\n")
    assert asked["ok"] is False and "input()" in asked["error"]


def test_output_is_capped_and_stdout_is_restored():
    before = sys.stdout, sys.stderr, sys.gettrace()
    result = run_cell("for i in range(100000):\n    print('x' * 99)\n")
    assert (sys.stdout, sys.stderr, sys.gettrace()) == before
    assert result["ok"] is True
    assert cell.MAX_OUTPUT <= len(result["output"]) < cell.MAX_OUTPUT + 100
    assert result["output"].rstrip().endswith("后面的省略了）")
    errors = run_cell("import sys\nprint('to stderr', file=sys.stderr)\n")
    assert errors["output"] == "to stderr\n"


@pytest.mark.parametrize("params, words", [
    ({"code": ""}, "代码是空的"), ({"code": "  \n\t"}, "代码是空的"), ({}, "没有代码"),
    ({"code": "x = 1\n" * 20000}, "代码太长"), ({"example": "../secret"}, "示例名称无效"),
    ({"example": "no_such_example"}, "没有名为"), ({"code": "pass", "time_limit": 0}, "时间上限"),
    ({"action": "delete"}, "操作"),
])
def test_bad_input_is_refused_with_a_message(params, words):
    with pytest.raises(InputError, match=words):
        Session(params)


def test_the_readers_objects_are_freed_when_the_run_ends():
    session = Session({"code": "import numpy as np\nbig = np.ones((1000, 1000))\nprint(big.sum())\n"})
    while not session.done:
        session.advance(0.1)
    assert session.namespace is None and session.program is None
