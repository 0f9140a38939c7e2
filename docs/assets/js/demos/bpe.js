// Demo: a byte-level BPE tokenizer learns its merges in the page, then splits any sentence the reader types
// (Python: demos/apps/bpe.py, demos/bpe.py).
import { Demo, h, runSession } from "../demo-kit.js";
import { LineChart, COLORS } from "../plot.js";
import { readField } from "../settings.js";

const SHOWN_MERGES = 60;
// (classes of their own, not .demo-status / .demo-error: those name the demo's one status line and error box)
const NOTE = "min-height: 1.3em; font-size: 0.75rem; color: var(--md-default-fg-color--light);";
const ERROR = "margin: 0.4rem 0; padding: 0.4rem 0.6rem; font-size: 0.8rem; border-left: 4px solid #e53935; "
  + "background: rgba(229, 57, 53, 0.1);";
const TOKEN_COLORS = ["#c5cae9", "#ffccbc", "#b2dfdb", "#e1bee7", "#d7ccc8", "#fff59d", "#c8e6c9", "#b3e5fc"];

/** Spaces and line breaks made visible; a lone byte of a multi-byte character stays as \xe6. */
const visible = (text) => text.replace(/ /g, "␣").replace(/\n/g, "↵").replace(/\t/g, "⇥");

export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：训练一个字节级 BPE 分词器",
    intro: "从 256 个字节出发，每一步把文本里出现次数最多的相邻一对 token 合并成一个新 token，直到词表达到设定的大小。"
      + "一个汉字在 UTF-8 里是 3 个字节，所以最先学到的往往是汉字的“半个字”（显示为 \\xe4\\xb8 这样的字节），"
      + "接着是常用字，再往后是常用词。训练用本书正文，也可以换成你自己粘贴的文本（只在你的浏览器里处理）。",
  });
  const spec = JSON.parse(el.dataset.settings || "[]");
  const textField = spec.find((f) => f.name === "text");
  const inputs = demo.addSettings(spec.filter((f) => f.name !== "text"));

  // The pasted text gets a text area (it has line breaks), checked with the declared rule of the "text" setting.
  const pasted = h("textarea", {
    rows: 4, name: "text", "data-role": "pasted", placeholder: `在这里粘贴文本，最多 ${textField.max_length.toLocaleString("en")} 个字符`,
    "aria-label": textField.label, style: "width: 100%; box-sizing: border-box;",
  });
  const pastedCount = h("div", { class: "bpe-note", style: NOTE });
  const pastedBox = h("div", { class: "demo-field", style: "width: 100%;" },
    h("label", {}, `${textField.label}（${textField.help}）`), pasted, pastedCount);
  demo.controlsEl.append(pastedBox);
  const showPasted = () => {
    pastedBox.hidden = inputs.corpus.value !== "pasted";
    pastedCount.textContent = `${[...pasted.value].length.toLocaleString("en")} 个字符`;
  };
  inputs.corpus.addEventListener("change", showPasted);
  pasted.addEventListener("input", showPasted);
  showPasted();

  const plots = h("div", { class: "demo-plots" });
  const mergeList = h("ol", { class: "bpe-merges", "aria-label": "最近学到的合并", reversed: true,
    style: "max-height: 16em; overflow: auto; font-size: 0.8rem; margin: 0;" });
  const mergeBox = h("div", {}, h("div", { class: "bpe-note", style: NOTE }, "最近学到的合并（新的在上面）："), mergeList);
  plots.append(mergeBox);
  demo.body.append(plots);
  const chart = new LineChart(plots, {
    xLabel: "词表大小（token 种数）", yLabel: "平均每个 token 的字符数", label: "词表大小与平均每个 token 的字符数",
  });

  // After training: type a sentence, see its tokens.
  const sentence = h("textarea", { rows: 2, name: "sentence", "data-role": "sentence", "aria-label": "要切分的句子",
    style: "width: 100%; box-sizing: border-box;" });
  sentence.value = "大语言模型按 token 计费，中文和英文的价格并不一样。";
  const encodeBtn = h("button", { type: "button", class: "md-button demo-btn", "data-action": "encode", disabled: true }, "切分");
  const encodeError = h("div", { class: "bpe-encode-error", role: "alert", hidden: true, style: ERROR });
  const tokensOut = h("div", { class: "bpe-tokens", "aria-live": "polite", style: "line-height: 2; margin-top: 0.4rem;" });
  const encodeInfo = h("div", { class: "bpe-encode-info", style: NOTE });
  const encodeBox = h("div", { class: "bpe-encode", style: "margin-top: 0.8rem;" },
    h("div", { class: "bpe-note", style: NOTE }, "训练完成后，在这里输入任意一句话，看它被切成哪些 token（悬停或点按可以看到编号）："),
    sentence, h("div", { class: "demo-buttons" }, encodeBtn), encodeError, encodeInfo, tokensOut);
  demo.body.append(encodeBox);

  let vocab = [], cpt = [], encoding = null;
  const draw = () => chart.draw([{ name: "训练文本", x: vocab, y: cpt, color: COLORS[0] }]);
  const clear = () => {
    vocab = []; cpt = [];
    mergeList.replaceChildren();
    tokensOut.replaceChildren();
    encodeInfo.textContent = "";
    encodeError.hidden = true;
    encodeBtn.disabled = true;
    encoding?.stop();
    draw();
  };
  clear();

  const encode = async () => {
    encodeError.hidden = true;
    encoding?.stop();
    encoding = runSession("bpe:Encode", { text: sentence.value });
    const run = encoding;
    el.dataset.encodeState = "running";
    try {
      const r = await run.done;
      if (run !== encoding) return;
      tokensOut.replaceChildren(...r.tokens.map((t, i) => h("span", {
        class: "bpe-token", title: `id ${t.id}，${t.bytes} 个字节`, "data-id": t.id,
        style: `background: ${TOKEN_COLORS[i % TOKEN_COLORS.length]}; color: #222; padding: 0.1em 0.15em; margin-right: 1px; border-radius: 3px; white-space: pre;`,
      }, visible(t.text))));
      tokensOut.append(h("div", { class: "bpe-ids", style: "font-family: monospace; font-size: 0.75rem; line-height: 1.4;" },
        `编号：${r.tokens.map((t) => t.id).join(" ")}`));
      encodeInfo.textContent = `${r.chars} 个字符（${r.bytes} 个 UTF-8 字节）→ ${r.count} 个 token，`
        + `平均每个 token ${r.chars_per_token.toFixed(2)} 个字符；把这些 token 的字节拼回去，`
        + (r.roundtrip ? "得到的正是原句。" : "与原句不一致！");
      el.dataset.encodeState = "done";
      el.dataset.encodeResult = JSON.stringify({ count: r.count, chars: r.chars, roundtrip: r.roundtrip, ids: r.tokens.map((t) => t.id) });
    } catch (err) {
      if (run !== encoding) return;
      encodeError.textContent = err.message;
      encodeError.hidden = false;
      el.dataset.encodeState = "error";
    }
  };
  encodeBtn.addEventListener("click", encode);
  sentence.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !encodeBtn.disabled) { e.preventDefault(); encode(); }
  });

  const mergeItem = (m) => h("li", { title: `id ${m.id}：${m.pair[0]} + ${m.pair[1]}，出现 ${m.count} 次` },
    h("code", {}, visible(m.parts[0])), " + ", h("code", {}, visible(m.parts[1])), " → ",
    h("strong", { class: "bpe-merge-text" }, visible(m.text)), `（${m.count.toLocaleString("en")} 次）`);

  demo.trainable({
    session: "bpe",
    assets: ["data/corpus.json"],
    params: (v) => ({ ...v, text: v.corpus === "pasted" ? readField(textField, pasted.value) : "" }),
    onStart: clear,
    onProgress(p) {
      for (const [v, c] of p.points) { vocab.push(v); cpt.push(c); }
      if (p.merges.length) {
        mergeList.prepend(...p.merges.slice(-SHOWN_MERGES).reverse().map(mergeItem));
        while (mergeList.children.length > SHOWN_MERGES) mergeList.lastChild.remove();
        draw();
      }
      demo.status(`词表 ${p.vocab} / ${p.target}，${p.seconds.toFixed(1)} 秒；平均每个 token ${p.chars_per_token.toFixed(3)} 个字符`);
    },
    onDone() {
      encodeBtn.disabled = false;
      encode();
    },
    describe: (r) => `完成：${r.seconds.toFixed(1)} 秒学到 ${r.merges} 次合并，词表 ${r.vocab_size} 个 token`
      + (r.exhausted ? "（文本里已经没有出现两次以上的相邻对，提前结束）" : "")
      + `。训练文本 ${r.chars.toLocaleString("en")} 个字符（${r.bytes.toLocaleString("en")} 个字节）→ ${r.tokens.toLocaleString("en")} 个 token，`
      + `平均每个 token ${r.chars_per_token.toFixed(3)} 个字符，没见过的验证文本 ${r.validation_chars_per_token.toFixed(3)} 个；`
      + (r.roundtrip ? "整份文本编码再解码，与原文逐字节一致。" : "编码再解码与原文不一致！"),
    onReset: clear,
  });
}
