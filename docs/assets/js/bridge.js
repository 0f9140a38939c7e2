// The bridge to the page's Python workers (py-worker.js): starting a runtime, starting and stopping sessions, and
// passing each session's messages to whoever started it. Demos use it through Demo (demo-kit.js).
//
// A page has one worker per kind of session: the book's demos share one, and the code cell (session "code") gets
// its own, so nothing a reader types (replacing numpy.dot, posting messages from Python) can reach another demo.
//
// Stop within a second, always: the worker answers a Stop at once unless Python is stuck inside one long call
// (e.g. sum(range(10**12)) in C, which no trace function or slice can interrupt). Without an answer within
// STOP_ANSWER_MS the worker is terminated and a fresh one started (its files come from the HTTP cache); sessions
// still running in it end with a message, and the next Train of any demo runs in the new worker. The demo shows
// "stopped" at once either way. The book's own sessions yield after every step, so their worker gets longer to
// answer: one slow step on a busy machine must not cost the reader a model trained in that worker.

const base = new URL(document.querySelector('meta[name="book-base"]')?.content || "./", location.href);
export const vendorUrl = new URL("vendor/", base).href;

const STOP_ANSWER_MS = { code: 500, shared: 5000 };
export const RESTARTED = "代码卡在计算里没有响应，已重启 Python 运行环境。";
const RESTARTED_UNDER_YOU = "Python 运行环境刚刚重启（另一段代码卡住了），这次运行被中断，请重新运行。";

/** Which worker runs a session ("module" or "module:Class"). */
const kindOf = (session) => (session && session.split(":")[0] === "code" ? "code" : "shared");

class Runtime {
  constructor(kind) {
    this.kind = kind;
    this.worker = null;
    this.ready = null;
    this.info = null; // what the worker said when Python was ready
    this.listeners = new Map(); // session id -> callback, while someone follows the session
    this.live = new Set(); // sessions started in the worker and not yet ended there
    this.stopping = new Map(); // session id -> {timer, onStuck}: Stop sent, no answer yet
    this.waiting = []; // starts held back until the worker has answered every Stop (or was replaced)
    this.bootWatchers = new Set();
  }

  onMessage(msg) {
    if (msg.type === "update") {
      if (msg.state !== "running") this.live.delete(msg.id);
      if (this.kind !== "shared") delete msg.memory; // the page's memory figure is the shared runtime's
      this.listeners.get(msg.id)?.(msg);
    } else if (msg.type === "stop-ack") {
      clearTimeout(this.stopping.get(msg.id)?.timer);
      this.stopping.delete(msg.id);
      if (!this.stopping.size) this.releaseWaiting();
    } else {
      for (const cb of this.bootWatchers) cb(msg);
    }
  }

  python() {
    if (this.ready) return this.ready;
    const ready = (async () => {
      const runtime = await (await fetch(vendorUrl + "runtime.json")).json();
      const worker = new Worker(new URL("py-worker.js", import.meta.url), { type: runtime.profile === "cdn" ? "module" : "classic" });
      this.worker = worker;
      worker.onmessage = (event) => { if (this.worker === worker) this.onMessage(event.data); };
      return new Promise((resolve, reject) => {
        const watch = (msg) => {
          if (msg.type === "ready") {
            this.info = msg;
            this.bootWatchers.delete(watch);
            // for readers' curiosity and for the tests: which runtime, how long it took, what it downloaded
            document.documentElement.dataset[this.kind === "shared" ? "pythonRuntime" : `pythonRuntime${this.kind[0].toUpperCase()}${this.kind.slice(1)}`] = JSON.stringify(msg);
            resolve(msg);
          }
          if (msg.type === "boot-error") { this.bootWatchers.delete(watch); reject(new Error(msg.message)); }
        };
        this.bootWatchers.add(watch);
        worker.postMessage({ type: "boot", vendor: vendorUrl, runtime });
      });
    })();
    ready.catch(() => { if (this.ready === ready) this.ready = null; }); // a failed download can be retried
    this.ready = ready;
    return ready;
  }

  start(sid, session, params, assets, onMessage) {
    this.listeners.set(sid, onMessage);
    const go = () => this.python().then(() => {
      if (!this.listeners.has(sid)) return; // stopped before it began
      this.live.add(sid);
      this.worker.postMessage({ type: "start", id: sid, session, params, assets });
    }, (err) => {
      if (!this.listeners.delete(sid)) return;
      onMessage({ type: "update", id: sid, state: "error", message: `Python 运行环境加载失败：${err.message}。请检查网络后重试。` });
    });
    if (this.stopping.size) this.waiting.push(go);
    else go();
  }

  stop(sid, tell, onStuck) {
    this.listeners.delete(sid);
    if (!tell || !this.live.has(sid)) return;
    this.worker.postMessage({ type: "stop", id: sid });
    const timer = setTimeout(() => this.restart(), STOP_ANSWER_MS[this.kind]);
    this.stopping.set(sid, { timer, onStuck });
  }

  /** Replace a worker that does not answer: terminate it and boot a fresh one. */
  restart() {
    this.worker.terminate();
    const stuck = [...this.stopping.values()];
    const interrupted = [...this.live].filter((sid) => this.listeners.has(sid)).map((sid) => [sid, this.listeners.get(sid)]);
    for (const { timer } of stuck) clearTimeout(timer);
    this.worker = null;
    this.ready = null;
    this.info = null;
    this.live.clear();
    this.stopping.clear();
    for (const [sid, cb] of interrupted) {
      this.listeners.delete(sid);
      cb({ type: "update", id: sid, state: "error", message: RESTARTED_UNDER_YOU });
    }
    for (const { onStuck } of stuck) onStuck?.(RESTARTED);
    this.python().catch(() => {}); // boot errors reach whoever starts the next session
    this.releaseWaiting();
  }

  releaseWaiting() {
    const waiting = this.waiting;
    this.waiting = [];
    for (const go of waiting) go();
  }
}

const runtimes = new Map(); // kind -> Runtime
const sessions = new Map(); // session id -> its Runtime

function runtimeFor(session) {
  const kind = kindOf(session);
  if (!runtimes.has(kind)) runtimes.set(kind, new Runtime(kind));
  return runtimes.get(kind);
}

/** Start the runtime that runs `session` (once per page and kind); resolves with {python, numpy, seconds}. */
export function python(session) {
  return runtimeFor(session).python();
}

/** What the worker for `session` reported when Python was ready ({python, numpy, seconds, network}), or null. */
export function bootInfo(session) {
  return runtimeFor(session).info;
}

/** Follow the boot messages (download progress and the like) until the returned function is called. */
export function watchBoot(callback, session) {
  const runtime = runtimeFor(session);
  runtime.bootWatchers.add(callback);
  return () => runtime.bootWatchers.delete(callback);
}

/** Start a session (its runtime must be up): `onMessage` gets every update until stopSession(sid). */
export function startSession(sid, session, params, assets, onMessage) {
  const runtime = runtimeFor(session);
  sessions.set(sid, runtime);
  runtime.start(sid, session, params, assets, onMessage);
}

/**
 * Stop listening to a session and, unless it has ended by itself (tell = false), ask Python to stop it. If Python
 * does not answer, its worker is restarted and onStuck(message) tells the reader so.
 */
export function stopSession(sid, tell = true, onStuck = null) {
  const runtime = sessions.get(sid);
  sessions.delete(sid);
  runtime?.stop(sid, tell, onStuck);
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
  python(session).then(() => {
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
