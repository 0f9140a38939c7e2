// Demo: a one-block Transformer learns to reverse (or sort) a short sequence; the attention weights of one example
// show where each output position looks (Python: demos/apps/attention.py).
import { Demo, h, pct } from "../demo-kit.js";
import { LineChart, Series, COLORS } from "../plot.js";
import { Heatmap } from "../views/heatmap.js";
import { panel } from "../views/panel.js";


// One row of tokens; wrong output tokens are marked (colour and a "✗" for readers who cannot tell the colours apart).
function tokenRow(label, tokens, truth) {
  const cells = tokens.map((t, i) => {
    const wrong = truth && t !== truth[i];
    return h("span", {
      style: "display: inline-block; min-width: 1.6em; text-align: center; margin-right: 0.15em; border-radius: 3px;"
        + (truth ? ` background: ${wrong ? "#ffcdd2" : "#c8e6c9"}; color: #222;` : ""),
      title: wrong ? `错误：应为 ${truth[i]}` : undefined,
    }, wrong ? `${t}✗` : String(t));
  });
  return h("div", { style: "font-family: var(--md-code-font-family, monospace); font-size: 0.8rem; margin: 0.1rem 0;" },
    h("span", { style: "display: inline-block; min-width: 4.5em;" }, label), ...cells);
}

export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：看一个 Transformer 块学会“往哪儿看”",
    intro: "输入是 0–7 组成的短序列，模型（词嵌入 + 位置编码 → 一个 Transformer 块（单头自注意力、前馈网络、残差、层归一化）→ 每个位置输出一个数）"
      + "要在每个位置写出答案：反转任务里第 i 个输出应当等于倒数第 i 个输入。热力图第 i 行是输出位置 i 分给各输入位置的注意力权重（每行和为 1），"
      + "方框标出它需要的输入位置。训练前权重近乎平均；训练后，反转任务的权重集中到反对角线上。"
      + "排序任务的图案没有这么整齐：第 i 个输出要找的是第 i 小的数在哪儿，方框随输入而变。",
  });
  const inputs = demo.addSettings();
  inputs.example.setAttribute("placeholder", "例如 3 1 4 1 5 2");

  const plots = h("div", { class: "demo-plots" });
  demo.body.append(plots);
  const heatBox = panel(plots, "注意力权重：行 = 输出位置 i（查询），列 = 输入位置 j（键）");
  const pickId = `${demo.id}-pick`;
  const pick = h("select", { id: pickId });
  heatBox.append(h("div", { class: "demo-field", style: "margin-bottom: 0.3rem;" },
    h("label", { for: pickId }, "看哪条序列"), pick));
  const heatmap = new Heatmap(heatBox, {
    width: 360, height: 320, numbers: true, xLabel: "输入位置 j（下面是该位置的数）", yLabel: "输出位置 i",
    label: "注意力权重热力图：输出位置 × 输入位置",
  });
  const outputBox = h("div", { style: "margin-top: 0.3rem;" });
  heatBox.append(outputBox);
  const curves = panel(plots, "损失与留出序列上的准确率");
  const lossChart = new LineChart(curves, { logY: true, xLabel: "训练步数", yLabel: "交叉熵", label: "训练损失曲线", height: 200 });
  const accChart = new LineChart(curves, {
    xLabel: "训练步数", yLabel: "准确率", yRange: [0, 1], label: "留出序列上的逐词准确率与整句准确率", height: 200,
  });

  const losses = new Series();
  let evalSteps = [], acc = [], seqAcc = [];
  let view = null;

  const drawCurves = () => {
    lossChart.draw([{ name: "训练损失", x: losses.x, y: losses.y }]);
    accChart.draw([
      { name: "逐词", x: evalSteps, y: acc, color: COLORS[2] },
      { name: "整句全对", x: evalSteps, y: seqAcc, color: "#9c27b0" },
    ]);
  };
  const drawExample = () => {
    outputBox.replaceChildren();
    if (!view) { heatmap.clear(); return; }
    const ex = view.examples[Number(pick.value) || 0] || view.examples[0];
    heatmap.draw(ex.attention, {
      rowLabels: ex.output.map((_, i) => i),
      colLabels: ex.input.map((t, j) => `${j}:${t}`),
      highlight: ex.needed,
    });
    outputBox.append(tokenRow("输入", ex.input), tokenRow("正确答案", ex.target), tokenRow("模型输出", ex.output, ex.target));
  };
  const fillPick = (examples, custom) => {
    const keep = pick.value;
    pick.replaceChildren(...examples.map((ex, k) => h("option", { value: k },
      `${custom && k === 0 ? "你的示例" : `留出序列 ${custom ? k : k + 1}`}：${ex.input.join(" ")}`)));
    if (keep && Number(keep) < examples.length) pick.value = keep;
  };
  pick.addEventListener("change", drawExample);

  let custom = false;
  const clear = () => {
    losses.clear(); evalSteps = []; acc = []; seqAcc = [];
    view = null;
    pick.replaceChildren();
    drawCurves();
    drawExample();
  };
  clear();

  demo.trainable({
    session: "attention",
    onStart(params) {
      custom = String(params.example || "").trim() !== "";
      clear();
    },
    onProgress(p) {
      if (p.view) {
        losses.push(p.losses.x, p.losses.y);
        if (!view) fillPick(p.view.examples, custom);
        view = p.view;
        evalSteps.push(p.step);
        acc.push(view.accuracy);
        seqAcc.push(view.sequence_accuracy);
        drawExample();
        drawCurves();
      }
      const last = view ? `，留出序列逐词准确率 ${pct(view.accuracy)}` : "";
      demo.status(`第 ${p.step} 步：训练损失 ${p.loss === null ? "—" : p.loss.toFixed(3)}${last}`);
    },
    describe: (r) => `完成：${r.steps} 步，用时 ${r.seconds.toFixed(1)} 秒。${r.test_sequences} 条没见过的序列上，`
      + `逐词准确率 ${pct(r.accuracy)}（目标 ≥ ${r.target_accuracy * 100}%），整句全对 ${pct(r.sequence_accuracy)}；`
      + `输出位置平均把 ${(r.attention_on_needed * 100).toFixed(0)}% 的注意力放在它需要的输入位置上。`,
    onReset: clear,
  });
}
