// Demo: a small GPT learns the book's text in the page, then continues a prompt token by token
// (Python: demos/apps/gpt.py, model demos/gpt.py). The page only draws; every number comes from Python.
import { Demo, h, runSession } from "../demo-kit.js";
import { LineChart, COLORS } from "../plot.js";
import { addModelDownloads } from "../onnx-export.js";

const caption = (text) => h("div", { style: "font-size: 0.75rem; margin-bottom: 0.2rem;" }, text);
const fmt = (x, digits = 3) => (x === null || x === undefined ? "—" : Number(x).toFixed(digits));

// The attention of the last token over its context: one cell per token, shaded by its weight.
export function attentionStrip(parent) {
  const box = h("div", { class: "gpt-attention", style: "display: flex; flex-wrap: wrap; gap: 1px; font-size: 0.8rem;" });
  parent.append(box);
  return {
    draw({ tokens, weights }) {
      const top = Math.max(...weights, 1e-9);
      box.replaceChildren(...tokens.map((t, i) => h("span", {
        title: `${(100 * weights[i]).toFixed(1)}%`,
        "data-weight": weights[i],
        style: `padding: 0 1px; background: rgba(63, 81, 181, ${(weights[i] / top).toFixed(3)}); `
          + `color: ${weights[i] / top > 0.55 ? "#fff" : "inherit"}; white-space: pre;`,
      }, t === "\n" ? "↵" : t)));
    },
    clear() { box.replaceChildren(); },
  };
}

function field(label, attrs) {
  const input = h("input", Object.assign({ type: "text", autocomplete: "off", spellcheck: "false" }, attrs));
  return { row: h("div", { class: "demo-field" }, h("label", {}, label, input)), input };
}

export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：在浏览器里训练一个小 GPT",
    intro: "一个只有解码器的 Transformer（词元嵌入 + 位置嵌入、带因果掩码的多头自注意力、前馈网络、层归一化、残差连接，"
      + "输出矩阵就是词元嵌入矩阵的转置），用 AdamW 在本书的正文上学习“预测下一个词元”。"
      + "虚线是两条基准：只看词频的一元模型，和只看前一个词元的二元模型；验证损失（圆点）低于二元模型的虚线，"
      + "说明它学到了比“前一个字后面常跟什么字”更多的东西。训练时每隔几秒写一段样本；训练停下后可以输入提示词让它续写。",
  });
  const inputs = demo.addSettings();
  const plots = h("div", { class: "demo-plots" });
  demo.body.append(plots);
  const lossBox = h("div", {}, caption("损失（交叉熵，nats / 词元）"));
  plots.append(lossBox);
  const chart = new LineChart(lossBox, { xLabel: "训练步数", yLabel: "损失", label: "训练损失、验证损失与一元、二元基准" });
  const sampleBox = h("div", {}, caption("训练中的样本（温度 0.8）"));
  const sampleText = h("pre", { class: "gpt-sample", style: "white-space: pre-wrap; min-height: 4em; font-size: 0.8rem;" });
  sampleBox.append(sampleText);
  plots.append(sampleBox);

  // ---- generation panel: after (or during a pause of) training, with the model Python keeps ----------------------
  const gen = h("div", { class: "gpt-generate", hidden: true });
  const prompt = field("提示词", { name: "prompt", value: "大模型", style: "width: 14em;" });
  const length = field("生成长度（词元）", { name: "length", value: "100" });
  const temperature = field("温度", { name: "temperature", value: "0.8" });
  const topK = field("top-k（0 表示不限）", { name: "top_k", value: "0" });
  const topP = field("top-p", { name: "top_p", value: "0.95" });
  const greedy = h("input", { type: "checkbox", name: "greedy" });
  const genBtn = h("button", { type: "button", class: "md-button demo-btn", "data-action": "generate" }, "生成");
  const genStop = h("button", { type: "button", class: "md-button demo-btn", "data-action": "stop-generate", disabled: true }, "停止生成");
  const genError = h("div", { class: "demo-error gpt-generate-error", role: "alert", hidden: true });
  const output = h("pre", { class: "gpt-output", style: "white-space: pre-wrap; min-height: 3em;" });
  const rareNote = h("div", { class: "gpt-rare-note", style: "font-size: 0.8rem;", hidden: true });
  const attnBox = h("div", {}, caption("最后一个词元对上下文的注意力（各层、各头平均；颜色越深权重越大）"));
  const attention = attentionStrip(attnBox);
  gen.append(
    h("div", { class: "demo-controls" }, prompt.row, length.row, temperature.row, topK.row, topP.row,
      h("div", { class: "demo-field" }, h("label", {}, "贪心（总选概率最大的）", greedy))),
    h("div", { class: "demo-buttons" }, genBtn, genStop), genError, rareNote, output, attnBox);
  demo.body.append(gen);
  gen.dataset.state = "idle";

  // characters of the prompt outside the character vocabulary: the model reads them as its one "rare" token □
  const showRare = (chars) => {
    rareNote.hidden = !(chars && chars.length);
    if (!rareNote.hidden) {
      rareNote.textContent = `提示词里的 ${chars.length} 个字符（${chars.slice(0, 10).join("、")}${chars.length > 10 ? "……" : ""}）`
        + "不在词表里，模型把它们都当作同一个“罕见字”词元 □ 来读。";
    }
  };

  let run = null;
  const setGenState = (state) => {
    gen.dataset.state = state;
    genBtn.disabled = state === "running";
    genStop.disabled = state !== "running";
  };
  genBtn.addEventListener("click", async () => {
    genError.hidden = true;
    rareNote.hidden = true;
    output.textContent = "";
    attention.clear();
    setGenState("running");
    const params = {
      prompt: prompt.input.value, length: length.input.value, temperature: temperature.input.value,
      top_k: topK.input.value, top_p: topP.input.value, greedy: greedy.checked,
    };
    run = runSession("gpt:Generate", params, {
      onProgress(p) {
        showRare(p.rare_chars);
        output.textContent = prompt.input.value + p.text;
        if (p.attention) attention.draw(p.attention);
      },
    });
    try {
      const result = await run.done;
      output.textContent = prompt.input.value + result.text;
      showRare(result.rare_chars);
      gen.dataset.result = JSON.stringify(result);
      setGenState("done");
    } catch (err) {
      if (err.message !== "已停止。") {
        genError.textContent = err.message;
        genError.hidden = false;
        setGenState("error");
      } else setGenState("idle");
    }
    run = null;
  });
  genStop.addEventListener("click", () => { run?.stop(); });

  // ---- training ---------------------------------------------------------------------------------------------------
  let steps = [], losses = [], smooth = [], valSteps = [], valLosses = [], setup = null;
  const draw = () => {
    const series = [
      { name: "训练（平滑）", x: steps, y: smooth },
      { name: "验证", x: valSteps, y: valLosses, points: true, color: COLORS[1] },
    ];
    if (setup) {
      const xs = [0, Math.max(steps[steps.length - 1] || 1, 1)];
      series.push({ name: "一元", x: xs, y: [setup.unigram, setup.unigram], dashed: true, color: "#9e9e9e" });
      series.push({ name: "二元", x: xs, y: [setup.bigram, setup.bigram], dashed: true, color: COLORS[2] });
    }
    chart.draw(series);
  };
  const clear = () => {
    steps = []; losses = []; smooth = []; valSteps = []; valLosses = []; setup = null;
    sampleText.textContent = "";
    draw();
  };
  clear();

  demo.trainable({
    session: "gpt",
    get assets() { return inputs.corpus.value === "book" ? ["data/corpus.json"] : []; },
    onStart() {
      clear();
      run?.stop();
      gen.hidden = true;
    },
    onProgress(p) {
      if (p.phase === "tokenizer") {
        demo.status(`正在学习 BPE 词表：${p.vocab_size} / ${p.target_vocab} 个词元`);
        return;
      }
      if (p.setup) setup = p.setup;
      p.losses.forEach((l, i) => {
        steps.push(p.first_step + i);
        losses.push(l);
        smooth.push(smooth.length ? 0.95 * smooth[smooth.length - 1] + 0.05 * l : l);
      });
      if (p.val_loss !== undefined) { valSteps.push(p.step); valLosses.push(p.val_loss); }
      if (p.sample !== undefined) sampleText.textContent = p.sample;
      draw();
      const val = valLosses.length ? fmt(valLosses[valLosses.length - 1]) : "—";
      demo.status(`第 ${p.step} 步，已训练 ${p.seconds.toFixed(1)} 秒，学习率 ${p.lr.toPrecision(2)}：验证损失 ${val}，二元基准 ${fmt(setup && setup.bigram)}，`
        + `一元基准 ${fmt(setup && setup.unigram)}（${setup ? setup.vocab_size : "—"} 个词元`
        + (setup && setup.coverage !== null ? `，覆盖验证文本 ${(100 * setup.coverage).toFixed(1)}% 的字符` : "")
        + `，${setup ? setup.params.toLocaleString() : "—"} 个参数）`);
      gen.hidden = false; // the model Python keeps is usable from the first step on
    },
    describe: (r) => `完成：${r.steps} 步，${r.seconds.toFixed(1)} 秒。验证损失 ${fmt(r.val_loss)}，二元基准 ${fmt(r.bigram_loss)}，`
      + `一元基准 ${fmt(r.unigram_loss)}（${r.vocab_size} 个词元`
      + (r.val_coverage !== null ? `，覆盖验证文本 ${(100 * r.val_coverage).toFixed(1)}% 的字符` : "") + "）；"
      + (r.seconds_to_bigram === null ? "还没有低于二元基准。" : `训练 ${r.seconds_to_bigram.toFixed(1)} 秒时低于二元基准。`)
      + "现在可以在下面输入提示词让它续写。",
    onReset() {
      run?.stop();
      clear();
      gen.hidden = true;
      output.textContent = "";
      attention.clear();
      genError.hidden = true;
      rareNote.hidden = true;
      setGenState("idle");
      runSession("gpt:Forget", {}).done.catch(() => {});
    },
  });
  addModelDownloads(demo, "gpt"); // the trained GPT as .npz and as ONNX, run again by ONNX Runtime Web
}
