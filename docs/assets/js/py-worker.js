// The Python runtime of a page: Pyodide + NumPy + the book's `demos` package, in a Web Worker.
// Started as a classic worker for Pyodide 0.17 (loaded with importScripts) and as a module worker for
// Pyodide 314 (which refuses classic workers); the file has no static imports so that it can be both.
//
// Messages in:  {type: "boot", vendor, runtime}            vendor = absolute URL of the site's vendor/ folder
//               {type: "start", id, session, params, assets}
//               {type: "stop", id}
// Messages out: {type: "boot-progress", stage, loaded, total}
//               {type: "ready", python, numpy, seconds}  |  {type: "boot-error", message}
//               {type: "update", id, state, progress, result, message}   (state: running | done | error | stopped)
//               {type: "stop-ack", id}   at once on a Stop: the page restarts a worker that does not answer
//
// Training runs in time slices (SLICE seconds of Python at a time) so that a Stop message is seen between slices.

const SLICE = 0.1;
const FIRST_SLICE = 0.02;
let py = null;
let FS = null;
let booting = null;
let advance = null;
let startFn = null;
let stopFn = null;
const sessions = new Map(); // id -> {stopRequested}
const stoppedEarly = new Set(); // Stop arrived while the session was still starting
const fetchedAssets = new Set();
let vendor = "";
let scheduling = false;

function post(msg) {
  self.postMessage(msg);
}

// Download every runtime file once with a byte count, so the page can show progress; Pyodide's own requests
// for the same files are then answered by the browser cache.
async function prefetch(files) {
  const total = files.reduce((n, f) => n + f.bytes, 0);
  let loaded = 0;
  await Promise.all(files.map(async (f) => {
    const response = await fetch(vendor + f.path);
    if (!response.ok) throw new Error(`${f.path}: HTTP ${response.status}`);
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      loaded += value.length;
      post({ type: "boot-progress", stage: "download", loaded: Math.min(loaded, total), total });
    }
  }));
  post({ type: "boot-progress", stage: "download", loaded: total, total });
}

async function lockFileWithOurWheel(runtime) {
  // Our wheel sits beside the lock file on this site, NumPy on the CDN: make our entry an absolute URL.
  const lockUrl = vendor + runtime.lockFile;
  const lock = await (await fetch(lockUrl)).json();
  for (const pkg of Object.values(lock.packages)) {
    if (pkg.name === "aibook-demos") pkg.file_name = new URL(pkg.file_name, lockUrl).href;
  }
  return JSON.stringify(lock);
}

async function boot(runtime) {
  const t0 = performance.now();
  await prefetch(runtime.download);
  post({ type: "boot-progress", stage: "start" });
  const load = runtime.profile === "cdn"
    ? (await import(vendor + runtime.indexURL + "pyodide.mjs")).loadPyodide
    : (importScripts(vendor + runtime.indexURL + "pyodide.js"), self.loadPyodide);
  const options = { indexURL: vendor + runtime.indexURL };
  if (runtime.profile === "cdn") {
    options.lockFileContents = await lockFileWithOurWheel(runtime);
    options.packageBaseUrl = runtime.packageBaseUrl;
  }
  py = await load(options);
  FS = py.FS || py._module.FS; // Pyodide 0.17 exposes the file system only as _module.FS
  post({ type: "boot-progress", stage: "packages", python: py.runPython("import sys\nsys.version.split()[0]") });
  await py.loadPackage(runtime.packages);
  if (!py.runPython("import importlib.util\nimportlib.util.find_spec('numpy') is not None")) {
    throw new Error(`NumPy 没有加载成功（它来自 ${runtime.packageBaseUrl || runtime.indexURL}，请检查网络）`);
  }
  if (runtime.profile === "offline") {
    // Pyodide 0.17 has no lock-file registry for our wheel: unpack it into site-packages ourselves.
    const wheel = new Uint8Array(await (await fetch(vendor + runtime.wheel.path)).arrayBuffer());
    FS.writeFile("/tmp/demos.whl", wheel);
    py.runPython(
      "import importlib, sys, zipfile\n" +
      "zipfile.ZipFile('/tmp/demos.whl').extractall([p for p in sys.path if p.endswith('site-packages')][0])\n" +
      "importlib.invalidate_caches()\n"
    );
  }
  py.runPython("import demos.apps as _apps\n_apps.ASSET_DIR = '/assets'\n_advance = _apps.advance\n_start = _apps.start\n_stop = _apps.stop");
  advance = py.globals.get("_advance");
  startFn = py.globals.get("_start");
  stopFn = py.globals.get("_stop");
  const versions = JSON.parse(py.runPython(
    "import json, sys, numpy\njson.dumps([sys.version.split()[0], numpy.__version__])"));
  // What the runtime cost on the network (0 bytes transferred when the browser cache served it).
  const entries = performance.getEntriesByType("resource");
  const sizes = new Map(entries.map((e) => [e.name, e.decodedBodySize]));
  const network = {
    files: sizes.size,
    size: [...sizes.values()].reduce((n, b) => n + b, 0),
    transferred: entries.reduce((n, e) => n + e.transferSize, 0),
  };
  post({ type: "ready", python: versions[0], numpy: versions[1], seconds: (performance.now() - t0) / 1000, network });
}

async function fetchAssets(paths) {
  for (const path of paths || []) {
    if (fetchedAssets.has(path)) continue;
    const response = await fetch(vendor + path);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const target = "/assets/" + path;
    let dir = "";
    for (const part of target.split("/").slice(1, -1)) {
      dir += "/" + part;
      try { FS.mkdir(dir); } catch (e) { /* exists */ }
    }
    FS.writeFile(target, bytes);
    fetchedAssets.add(path);
  }
}

function send(id, json) {
  const msg = JSON.parse(json);
  // the runtime's memory (WebAssembly memory only grows): lets the page and the tests see leaks
  const memory = FS && py._module ? py._module.HEAP8.length : undefined;
  post(Object.assign({ type: "update", id, memory }, msg));
  return msg.state;
}

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

// Round-robin over the running sessions, one slice each, yielding to the message queue between slices.
async function schedule() {
  if (scheduling) return;
  scheduling = true;
  try {
    while (sessions.size) {
      for (const [id, s] of [...sessions]) {
        if (s.stopRequested) {
          stopFn(id);
          sessions.delete(id);
          post({ type: "update", id, state: "stopped" });
          continue;
        }
        // a short first slice puts the first point on the reader's plot at once
        const slice = s.slices++ ? SLICE : FIRST_SLICE;
        if (send(id, advance(id, slice)) !== "running") sessions.delete(id);
      }
      await nextTurn();
    }
  } finally {
    scheduling = false;
  }
}

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    if (msg.type === "boot") {
      vendor = msg.vendor;
      if (!booting) booting = boot(msg.runtime);
      await booting;
    } else if (msg.type === "start") {
      await booting;
      await fetchAssets(msg.assets);
      const state = send(msg.id, startFn(msg.id, msg.session, JSON.stringify(msg.params)));
      if (state === "running" && stoppedEarly.delete(msg.id)) {
        stopFn(msg.id);
        post({ type: "update", id: msg.id, state: "stopped" });
      } else if (state === "running") {
        sessions.set(msg.id, { stopRequested: false, slices: 0 });
        schedule();
      }
    } else if (msg.type === "stop") {
      post({ type: "stop-ack", id: msg.id });
      const s = sessions.get(msg.id);
      if (s) s.stopRequested = true;
      else stoppedEarly.add(msg.id);
    }
  } catch (err) {
    if (msg.type === "boot") {
      booting = null;
      post({ type: "boot-error", message: String(err && err.message || err) });
    } else {
      post({ type: "update", id: msg.id, state: "error", message: String(err && err.message || err) });
    }
  }
};
