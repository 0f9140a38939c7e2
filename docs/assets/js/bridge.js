// The bridge to the page's one Python worker (py-worker.js): starting the runtime, starting and stopping sessions,
// and passing each session's messages to whoever started it. Demos use it through Demo (demo-kit.js).

const base = new URL(document.querySelector('meta[name="book-base"]')?.content || "./", location.href);
export const vendorUrl = new URL("vendor/", base).href;

let worker = null;
let ready = null;
const listeners = new Map(); // session id -> callback
const bootWatchers = new Set();
let info = null; // what the worker said when Python was ready

function onWorkerMessage(event) {
  const msg = event.data;
  if (msg.type === "update") {
    const cb = listeners.get(msg.id);
    if (cb) cb(msg);
  } else {
    for (const cb of bootWatchers) cb(msg);
  }
}

/** Start the runtime download (once per page); resolves with {python, numpy, seconds} when Python is ready. */
export function python() {
  if (ready) return ready;
  ready = (async () => {
    const runtime = await (await fetch(vendorUrl + "runtime.json")).json();
    worker = new Worker(new URL("py-worker.js", import.meta.url), { type: runtime.profile === "cdn" ? "module" : "classic" });
    worker.onmessage = onWorkerMessage;
    return new Promise((resolve, reject) => {
      const watch = (msg) => {
        if (msg.type === "ready") {
          info = msg;
          bootWatchers.delete(watch);
          // for readers' curiosity and for the tests: which runtime, how long it took, what it downloaded
          document.documentElement.dataset.pythonRuntime = JSON.stringify(msg);
          resolve(msg);
        }
        if (msg.type === "boot-error") { bootWatchers.delete(watch); reject(new Error(msg.message)); }
      };
      bootWatchers.add(watch);
      worker.postMessage({ type: "boot", vendor: vendorUrl, runtime });
    });
  })();
  ready.catch(() => { ready = null; }); // a failed download can be retried
  return ready;
}

/** What the worker reported when Python was ready ({python, numpy, seconds, network}), or null before. */
export function bootInfo() {
  return info;
}

/** Follow the boot messages (download progress and the like) until the returned function is called. */
export function watchBoot(callback) {
  bootWatchers.add(callback);
  return () => bootWatchers.delete(callback);
}

/** Start a session (the runtime must be up): `onMessage` gets every update until stopSession(sid). */
export function startSession(sid, session, params, assets, onMessage) {
  listeners.set(sid, onMessage);
  worker.postMessage({ type: "start", id: sid, session, params, assets });
}

/** Stop listening to a session and, unless it has ended by itself (tell = false), ask Python to stop it. */
export function stopSession(sid, tell = true) {
  listeners.delete(sid);
  if (tell && worker) worker.postMessage({ type: "stop", id: sid });
}

let nextId = 1;

/**
 * Run a session that is not the demo's training run (e.g. "gpt:Generate", generating with the model the training
 * left in Python) and follow it: returns {done: Promise of the result (rejects with the reader's message), stop()}.
 */
export function runSession(session, params, { onProgress, assets = [] } = {}) {
  const sid = `run-${nextId++}`;
  let settle = null;
  const done = new Promise((resolve, reject) => { settle = { resolve, reject }; });
  python().then(() => {
    if (!settle) return; // stopped before the runtime was up
    startSession(sid, session, params, assets, (msg) => {
      if (msg.progress) onProgress?.(msg.progress);
      if (msg.state === "running") return;
      stopSession(sid, false);
      if (msg.state === "done") settle.resolve(msg.result);
      else settle.reject(new Error(msg.message || "已停止。"));
      settle = null;
    });
  }, (err) => settle?.reject(err));
  const stop = () => {
    if (!settle) return;
    stopSession(sid);
    settle.reject(new Error("已停止。"));
    settle = null;
  };
  return { done, stop };
}
