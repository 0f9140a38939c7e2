// Demo: a code cell. The reader edits a book example (demos/examples/<name>.py) and runs it in a Python worker of
// the code cell's own (the other demos' Python is out of its reach); what it prints streams into the output below
// (Python: demos/apps/code.py). The editor (editor.js) is a plain text box until the reader reaches for it.
import { Demo, h } from "../demo-kit.js";
import { CodeEditor } from "../editor.js";

// The example's source comes from the Python package (the page holds no copy of it): a run of the "code" session
// with action "load", on a Demo that is never attached to the page, so this demo's own state stays idle.
function loadExample(name) {
  return new Promise((resolve, reject) => {
    const holder = h("div", { "data-demo": "code" });
    const loader = new Demo(holder);
    const watch = new MutationObserver(() => {
      if (holder.dataset.state === "error") { watch.disconnect(); reject(new Error(loader.errorEl.textContent)); }
    });
    watch.observe(holder, { attributes: true, attributeFilter: ["data-state"] });
    loader.trainable({
      session: "code",
      params: () => ({ action: "load", example: name }),
      onDone: (r) => { watch.disconnect(); resolve(r.source); },
    });
    loader.train();
  });
}

export function mount(el) {
  const example = el.dataset.example || null;
  const demo = new Demo(el, {
    title: "动手：运行、修改这段代码",
    intro: "代码在浏览器里的 Python（Pyodide，只有 NumPy）中运行，print 的内容显示在下方。可以随意修改："
      + "Ctrl + Enter（Mac：⌘ + Enter）运行；Tab 插入四个空格，先按 Esc 再按 Tab 可以离开编辑框。",
  });
  demo.addSettings();

  const editorId = `${demo.id}-code`;
  const area = h("textarea", {
    id: editorId, rows: 18, spellcheck: "false", autocapitalize: "off", autocomplete: "off", wrap: "off",
    placeholder: example ? "正在加载示例代码（第一次需要下载 Python 运行环境，请稍候）……" : "在这里输入 Python 代码",
  });
  Object.assign(area.style, {
    width: "100%", boxSizing: "border-box", fontFamily: "var(--md-code-font-family, monospace)",
    fontSize: "0.75rem", lineHeight: "1.45", tabSize: "4", whiteSpace: "pre", resize: "vertical",
  });
  const editorField = h("div", { class: "demo-field" }, h("label", { for: editorId }, "代码（可编辑）"), area);
  editorField.style.marginBottom = "0.5rem";
  el.insertBefore(editorField, demo.controlsEl);
  const run = () => { if (!demo.trainBtn.disabled) demo.train(); };
  const editor = new CodeEditor(area, { onRun: run, label: "代码（可编辑）" });

  const output = h("pre", { class: "demo-output", role: "log", "aria-label": "运行输出" });
  output.hidden = true;
  demo.body.append(output);

  let source = null; // the example as shipped
  let loading = null;
  const restore = () => {
    if (source !== null) { editor.value = source; return; }
    if (!example) return;
    loading ??= loadExample(example).then((text) => {
      source = text;
      if (!editor.value.trim()) editor.value = text;
    }).catch(() => { loading = null; editor.placeholder = "示例代码没能加载：点「运行」重试，或直接输入代码。"; });
  };

  const clearOutput = () => { output.replaceChildren(); output.hidden = true; };
  const write = (text, color) => {
    if (!text) return;
    output.hidden = false;
    if (color) {
      const span = h("span", {}, text);
      span.style.color = color;
      output.append(span);
    } else {
      output.append(text);
    }
    output.scrollTop = output.scrollHeight;
  };

  demo.trainable({
    session: "code",
    labels: { train: "运行", stop: "停止", reset: "恢复示例" },
    params(v) {
      const code = editor.value;
      if (!code.trim()) {
        if (source === null && example) return { ...v, example }; // not loaded yet: Python runs the example itself
        throw new Error("代码是空的：请输入要运行的 Python 代码，或点「恢复示例」。");
      }
      return { ...v, code };
    },
    onStart: clearOutput,
    onProgress(p) {
      if (p.source !== undefined) {
        source ??= p.source;
        if (!editor.value.trim()) editor.value = p.source;
      }
      write(p.output);
      demo.status(`运行中……（${p.seconds.toFixed(1)} 秒）`);
    },
    onDone(r) {
      if (r.error) write((output.textContent && !output.textContent.endsWith("\n") ? "\n" : "") + r.error, "#d32f2f");
      if (!output.textContent) write("（代码运行完毕，没有输出。）");
    },
    describe: (r) => (r.ok ? `运行完成，用时 ${r.seconds.toFixed(2)} 秒。`
      : r.timed_out ? "运行超时，已停止。" : "运行出错：错误信息见下方输出。"),
    onReset() {
      clearOutput();
      restore();
    },
  });
  demo.stopBtn.addEventListener("click", () => {
    write(`${output.textContent && !output.textContent.endsWith("\n") ? "\n" : ""}（已停止）\n`, "#888");
  });

  // Run is intent too: the editor loads while the code runs (what runs is the text as it is now)
  demo.trainBtn.addEventListener("click", () => editor.upgrade());

  if (example) {
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) { io.disconnect(); restore(); }
    }, { rootMargin: "200px" });
    io.observe(el);
  }
}
