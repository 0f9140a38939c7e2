// Demo: the retrieval half of RAG. The reader asks; BM25 over the book's paragraphs finds the passages; the page
// shows them with links and the prompt a RAG system would send to a language model (Python: demos/apps/rag.py).
import { Demo, h, vendorUrl } from "../demo-kit.js";

const siteBase = new URL("../", vendorUrl).href;
const NOTE = "font-size: 0.75rem; color: var(--md-default-fg-color--light);";

export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：在这本书里检索，拼出 RAG 的提示词",
    intro: "输入一个问题，页面在本书全部正文段落里用 BM25 检索（按单字和相邻两字的匹配打分，罕见的词分量更重），"
      + "列出得分最高的几段和它们所在的小节，再把它们拼成一个 RAG 系统会发给大模型的提示词。检索全部在你的浏览器里完成。",
  });
  const inputs = demo.addSettings();
  inputs.question.style.width = "min(32em, 70vw)";
  inputs.question.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.isComposing && !demo.trainBtn.disabled) { e.preventDefault(); demo.train(); }
  });

  const termsOut = h("div", { class: "rag-terms", style: NOTE });
  const list = h("ol", { class: "rag-passages", style: "font-size: 0.8rem; padding-left: 1.4em;" });
  const promptInfo = h("div", { class: "rag-prompt-info", style: NOTE });
  const prompt = h("pre", { class: "demo-output rag-prompt", style: "white-space: pre-wrap;", hidden: true });
  demo.body.append(termsOut, list, promptInfo, prompt);

  const clear = () => {
    termsOut.textContent = "";
    list.replaceChildren();
    promptInfo.textContent = "";
    prompt.textContent = "";
    prompt.hidden = true;
  };

  const show = (r) => {
    termsOut.textContent = `决定排名的词（按稀有程度，idf 越大越稀有）：${r.terms.map((t) => `${t.term}（${t.idf.toFixed(2)}）`).join("、")}`;
    list.replaceChildren(...r.passages.map((p) => {
      const where = p.heading ? `${p.title} › ${p.heading}` : p.title;
      return h("li", { class: "rag-passage", "data-link": p.link },
        h("a", { href: new URL(p.link, siteBase).href, class: "rag-link" }, where),
        h("span", { style: NOTE }, `　得分 ${p.score.toFixed(2)}`),
        h("div", {}, p.text));
    }));
    promptInfo.textContent = `发给大模型的提示词（${[...r.prompt].length} 个字符；真实系统会把它连同问题一起发给模型，由模型根据资料作答）：`;
    prompt.textContent = r.prompt;
    prompt.hidden = false;
  };

  demo.trainable({
    session: "rag",
    assets: ["data/corpus.json"],
    labels: { train: "检索" },
    onStart: clear,
    onDone: show,
    describe: (r) => `在 ${r.index.passages} 段正文（${r.index.terms.toLocaleString("en")} 个不同的词项）里找到 ${r.passages.length} 段；`
      + `检索用时 ${(1000 * r.seconds.search).toFixed(1)} 毫秒` + (r.seconds.index > 0.05 ? `（首次建索引 ${r.seconds.index.toFixed(2)} 秒）` : "") + "。",
    onReset: clear,
  });
}
