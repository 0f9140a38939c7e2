"""Copy the browser runtimes from node_modules/ into docs/vendor/ and write docs/vendor/runtime.json.

Usage: python -m build_tools.vendor [--profile offline|cdn] [--out DIR]   (DIR defaults to docs/vendor)

Profiles (see mkdocs.yml `extra.runtime_profile` and $BOOK_RUNTIME):
  offline  Pyodide 0.17.1 (Python 3.8) with NumPy 1.17.5, every file self-hosted; the site needs no other host.
  cdn      Pyodide 314 (Python 3.14) core self-hosted; NumPy comes from the official Pyodide CDN for that exact
           version. Our wheel is registered in a copy of pyodide-lock.json so NumPy resolves as its dependency.

Also builds the `demos` wheel (the NumPy core and demo sessions the pages run) into docs/vendor/py/, and bundles the
code cell's editor (CodeMirror 6, Python mode) with esbuild into one ES module, docs/vendor/codemirror/codemirror.js.
Only what the pages use is copied; copying is skipped for files that are already up to date.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "docs" / "vendor"  # rebound by --out
WHEEL_NAME = "aibook_demos"

OFFLINE_PYODIDE = ["pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "pyodide.asm.data", "packages.json",
                   "numpy.js", "numpy.data"]
CDN_PYODIDE = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"]
# ort.wasm.min.mjs loads ort-wasm-simd-threaded.*; ort.webgpu.min.mjs loads the .asyncify build (1.30).
ORT_FILES = ["ort.wasm.min.mjs", "ort.webgpu.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm",
             "ort-wasm-simd-threaded.asyncify.mjs", "ort-wasm-simd-threaded.asyncify.wasm"]
KATEX_FILES = ["katex.min.css"]  # formulas are rendered at build time: the page needs only the style and fonts


def package_version(name):
    return json.loads((NODE / name / "package.json").read_text())["version"]


def copy(src, dst):
    """Copy src to dst unless dst already has the same size and is newer."""
    if not src.exists():
        sys.exit("vendor: {} is missing; run `npm ci` first".format(src.relative_to(ROOT)))
    if dst.exists() and dst.stat().st_size == src.stat().st_size and dst.stat().st_mtime >= src.stat().st_mtime:
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


def build_wheel():
    """Build the pure-Python wheel of demos/ into docs/vendor/py/ and return its path."""
    out = VENDOR / "py"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(ROOT)], check=True)
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    wheels = sorted(out.glob(WHEEL_NAME + "-*.whl"))
    if len(wheels) != 1:
        sys.exit("vendor: expected one wheel in {}, found {}".format(out, wheels))
    with zipfile.ZipFile(wheels[0]) as zf:
        names = zf.namelist()
    if "demos/__init__.py" not in names:
        sys.exit("vendor: the wheel does not contain the demos package")
    return wheels[0]


def file_entries(base, names):
    return [{"path": name, "bytes": (base / name).stat().st_size} for name in names]


def vendor_offline(wheel):
    src = NODE / "@pyodide" / "pyodide" / "dist"
    dst = VENDOR / "pyodide-0.17"
    for name in OFFLINE_PYODIDE:
        copy(src / name, dst / name)
    return {
        "profile": "offline",
        "pyodideVersion": package_version("@pyodide/pyodide"),
        "indexURL": "pyodide-0.17/",
        "packages": ["numpy"],
        "download": [{"path": "pyodide-0.17/" + e["path"], "bytes": e["bytes"]}
                     for e in file_entries(dst, OFFLINE_PYODIDE)],
    }


def vendor_cdn(wheel):
    from pyodide_lock import PyodideLockSpec
    from pyodide_lock.utils import add_wheels_to_spec

    version = package_version("pyodide")
    src = NODE / "pyodide"
    dst = VENDOR / "pyodide-cdn"
    for name in CDN_PYODIDE:
        copy(src / name, dst / name)
    # Register our wheel in the lock file so that loadPackage resolves numpy as its dependency.
    wheel_copy = dst / wheel.name
    shutil.copy2(wheel, wheel_copy)
    spec = PyodideLockSpec.from_json(src / "pyodide-lock.json")
    spec = add_wheels_to_spec(spec, [wheel_copy], base_path=dst, base_url="", ignore_missing_dependencies=False)
    spec.to_json(dst / "pyodide-lock.json")
    return {
        "profile": "cdn",
        "pyodideVersion": version,
        "indexURL": "pyodide-cdn/",
        "lockFile": "pyodide-cdn/pyodide-lock.json",
        "packageBaseUrl": "https://cdn.jsdelivr.net/pyodide/v{}/full/".format(version),
        "packages": ["aibook-demos"],
        "download": [{"path": "pyodide-cdn/" + e["path"], "bytes": e["bytes"]}
                     for e in file_entries(dst, CDN_PYODIDE)],
    }


def vendor_static():
    """ONNX Runtime Web and KaTeX's style and fonts (diagrams are inlined SVG): the same for every profile."""
    for name in ORT_FILES:
        copy(NODE / "onnxruntime-web" / "dist" / name, VENDOR / "ort" / name)
    for name in KATEX_FILES:
        copy(NODE / "katex" / "dist" / name, VENDOR / "katex" / name)
    for font in (NODE / "katex" / "dist" / "fonts").glob("*.woff2"):
        copy(font, VENDOR / "katex" / "fonts" / font.name)
    # protobufjs and ONNX's own schema: the page writes .onnx files with them (docs/assets/js/onnx-export.js)
    copy(NODE / "protobufjs" / "dist" / "protobuf.min.js", VENDOR / "protobuf" / "protobuf.min.js")
    import onnx
    copy(Path(onnx.__file__).parent / "onnx.proto", VENDOR / "protobuf" / "onnx.proto")


# What docs/assets/js/editor.js takes from CodeMirror; esbuild bundles it into one ES module.
CODEMIRROR_ENTRY = """
export { EditorState } from "@codemirror/state";
export { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection } from "@codemirror/view";
export { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
export { bracketMatching, defaultHighlightStyle, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
export { python } from "@codemirror/lang-python";
"""


def bundle_codemirror():
    """Bundle the editor into VENDOR/codemirror/codemirror.js (minified ES module, no other file)."""
    esbuild = NODE / ".bin" / "esbuild"
    if not esbuild.exists():
        sys.exit("vendor: {} is missing; run `npm ci` first".format(esbuild.relative_to(ROOT)))
    out = VENDOR / "codemirror" / "codemirror.js"
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(esbuild), "--bundle", "--format=esm", "--minify", "--target=es2020", "--log-level=warning",
                    "--sourcefile=codemirror-entry.js", "--outfile=" + str(out)],
                   input=CODEMIRROR_ENTRY.encode(), cwd=ROOT, check=True)  # imports resolve from ROOT/node_modules
    return out


def main(argv=None):
    global VENDOR
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=["offline", "cdn"], default=os.environ.get("BOOK_RUNTIME", "offline"))
    parser.add_argument("--out", type=Path, default=VENDOR, help="where the site's vendor/ folder is written")
    args = parser.parse_args(argv)
    VENDOR = args.out.resolve()

    mnist = VENDOR / "data" / "mnist.npz"
    subprocess.run([sys.executable, str(ROOT / "build_tools" / "pack_mnist.py"), "--out", str(mnist)], check=True)
    subprocess.run([sys.executable, str(ROOT / "build_tools" / "digits_assets.py"), "--npz", str(mnist),
                    "--out-dir", str(VENDOR / "data")], check=True)
    subprocess.run([sys.executable, "-m", "build_tools.corpus", "--out", str(VENDOR / "data" / "corpus.json")],
                   check=True, cwd=ROOT)
    wheel = build_wheel()
    runtime = vendor_offline(wheel) if args.profile == "offline" else vendor_cdn(wheel)
    wheel_bytes = wheel.read_bytes()
    runtime["wheel"] = {"path": "py/" + wheel.name, "bytes": len(wheel_bytes),
                        "sha256": hashlib.sha256(wheel_bytes).hexdigest()}
    runtime["download"].append({"path": "py/" + wheel.name, "bytes": len(wheel_bytes)})
    vendor_static()
    bundle_codemirror()
    (VENDOR / "runtime.json").write_text(json.dumps(runtime, indent=2) + "\n")
    total = sum(e["bytes"] for e in runtime["download"])
    print("vendor: {} profile, Pyodide {}, {:.1f} MB for the Python runtime".format(
        args.profile, runtime["pyodideVersion"], total / 1e6))


if __name__ == "__main__":
    main()
