// Demo: the same text generated with and without the KV cache; time per token against position, the cache's memory
// (Python: demos/apps/kv_cache.py, model demos/gpt.py).
import { Demo, h } from "../demo-kit.js";
import { LineChart, COLORS } from "../plot.js";

const kb = (bytes) => (bytes / 1024).toFixed(1);

export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：有和没有 KV 缓存，生成同一段文字",
    intro: "用贪心解码生成同一段文字两次：一次把每层已读位置的键和值存起来（KV 缓存），新词元只算自己的那一行；"
      + "一次不存，每个新词元都把整个窗口重新算一遍。图中是每个词元的耗时随它在窗口里的位置的变化。"
      + "模型用本书自带的小 GPT（如果本页训练过 GPT，就用训练好的那个）。",
  });
  demo.addSettings();
  const box = h("div", {});
  demo.body.append(box);
  const chart = new LineChart(box, { xLabel: "位置（模型读的词元数）", yLabel: "毫秒 / 词元", label: "每个词元的生成耗时" });
  const info = h("div", { class: "kv-info", style: "font-size: 0.8rem;" });
  const text = h("pre", { class: "kv-text", style: "white-space: pre-wrap;" });
  demo.body.append(info, text);
  let runs = {};
  const draw = () => chart.draw([
    { name: "有 KV 缓存", x: runs.cache?.positions || [], y: runs.cache?.ms || [], points: true, color: COLORS[2] },
    { name: "没有缓存", x: runs.no_cache?.positions || [], y: runs.no_cache?.ms || [], points: true, color: COLORS[1] },
  ]);
  const clear = () => { runs = {}; info.textContent = ""; text.textContent = ""; draw(); };
  clear();

  demo.trainable({
    session: "kv-cache",
    assets: ["../models/gpt/tiny-gpt.npz"],
    labels: { train: "生成" },
    onStart: clear,
    onProgress(p) {
      for (const mode of ["cache", "no_cache"]) {
        if (!p[mode]) continue;
        const run = runs[mode] || (runs[mode] = { positions: [], ms: [] });
        run.positions.push(...p[mode].positions);
        run.ms.push(...p[mode].ms);
      }
      draw();
    },
    onDone(r) {
      text.textContent = r.text;
      info.textContent = `两次生成的词元${r.same_tokens ? "完全相同" : "不同（不应发生）"}。平均每个词元：有缓存 ${r.ms_per_token_cache.toFixed(2)} 毫秒，`
        + `没有缓存 ${r.ms_per_token_no_cache.toFixed(2)} 毫秒（${r.speedup.toFixed(1)} 倍）；最后四分之一的词元：`
        + `${r.ms_last_quarter_cache.toFixed(2)} 对 ${r.ms_last_quarter_no_cache.toFixed(2)} 毫秒。`
        + `这个模型的 KV 缓存：2 × ${r.layers} 层 × ${r.heads} 个头 × ${r.head_dim} 维 × ${r.context} 个位置 × ${r.bytes_per_number} 字节`
        + ` = ${r.cache_bytes.toLocaleString()} 字节（${kb(r.cache_bytes)} KB），程序里实际分配了 ${r.cache_bytes_measured.toLocaleString()} 字节。`;
    },
    describe: (r) => `完成：${r.tokens} 个词元；平均每个词元的耗时，没有缓存是有缓存的 ${r.speedup.toFixed(1)} 倍。`,
    onReset: clear,
  });
}
