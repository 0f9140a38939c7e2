// Demo: an RNN learns to continue a sine wave; the gradient that BPTT brings back to each time step shows why
// gradients vanish or explode (Python: demos/apps/rnn.py).
import { Demo, h } from "../demo-kit.js";
import { LineChart, Series, COLORS } from "../plot.js";
import { Heatmap } from "../views/heatmap.js";
import { panel } from "../views/panel.js";


export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：RNN 续写正弦波，看梯度怎样随时间消失或爆炸",
    intro: "RNN 读入正弦波上连续 T 个值，预测下一个值（tanh、各时间步共享权重、随时间反向传播，Adam 优化）。"
      + "训练完成后让它“自由续写”：把自己的预测当作下一步的输入，一直写到数据之外。"
      + "把循环权重 W_hh 的初始值调大或调小、把序列调长，看“每个时间步收到的梯度大小”那张图怎样变化。",
  });
  demo.addSettings();

  const plots = h("div", { class: "demo-plots" });
  demo.body.append(plots);
  const lossChart = new LineChart(panel(plots, "损失（均方误差，对数刻度）"),
    { logY: true, xLabel: "训练步数", yLabel: "MSE", label: "训练损失与留出数据上的损失" });
  const predChart = new LineChart(panel(plots, "留出数据上的逐步预测（每步读真实的前 T 个值）；竖线右边是数据之外的自由续写"),
    { xLabel: "时间 t", yLabel: "值", yRange: [-1.6, 1.6], label: "逐步预测、自由续写与真实的正弦波" });
  const gradChart = new LineChart(panel(plots, "每个时间步收到的梯度大小：log₁₀(‖∂L/∂h_t‖ ÷ ‖∂L/∂h_T‖)，−10 表示只剩百亿分之一"),
    { xLabel: "时间步 t（损失在最后一步 T）", yLabel: "log₁₀ 相对大小", label: "随时间反向传播时每个时间步收到的梯度大小" });
  const heatBox = panel(plots, "隐藏状态 h_t：读最后一个数据窗口时每个单元（行，最多画前 32 个）在每个时间步（列）的值，蓝 −1、白 0、红 +1");
  const heatmap = new Heatmap(heatBox, {
    width: 420, height: 260, colormap: "diverging", lo: -1, hi: 1, xLabel: "时间步 t", yLabel: "隐藏单元",
    label: "隐藏状态热力图：单元 × 时间步",
  });

  const losses = new Series();
  let evalSteps = [], evalLosses = [];
  let data = null, view = null, clipping = true;

  const drawLoss = () => lossChart.draw([
    { name: "训练（小批量）", x: losses.x, y: losses.y },
    { name: "留出数据", x: evalSteps, y: evalLosses, points: true, color: COLORS[1] },
  ]);
  const drawPred = () => {
    if (!data) { predChart.draw([]); return; }
    const series = [];
    if (view) {
      series.push({ name: "逐步预测", x: view.teacher.map((_, i) => data.t0 + i), y: view.teacher, color: "#3f51b5" });
      series.push({ name: "自由续写", x: view.free.map((_, i) => data.data_end + i), y: view.free, color: COLORS[1] });
    }
    series.push({ name: "真实值", x: data.truth.map((_, i) => data.t0 + i), y: data.truth, dashed: true, color: "#888" });
    predChart.draw(series, { marker: { x: data.data_end - 0.5 }, xRange: [data.t0, data.t0 + data.truth.length - 1] });
  };
  // log10 of the size relative to the last step: both curves start at 0 and only their decay differs; the log is
  // taken here because the ratios go far below what a log-scaled axis can show (1e-40 with a long sequence)
  const relative = (norms) => norms.map((v) => (v > 0 ? Math.log10(v / norms[norms.length - 1]) : null));
  const drawGrad = () => {
    if (!view || !view.grad_norms) { gradChart.draw([]); return; }
    const t = view.grad_norms.map((_, i) => i + 1);
    gradChart.draw([
      { name: "训练开始时", x: t, y: relative(view.grad_norms_init), dashed: true, color: "#888" },
      { name: "现在", x: t, y: relative(view.grad_norms), color: COLORS[2] },
    ]);
  };
  const drawHidden = () => {
    if (!view) { heatmap.clear(); return; }
    const T = view.hidden.length ? view.hidden[0].length : 0;
    heatmap.draw(view.hidden, {
      rowLabels: view.hidden.map((_, i) => i + 1),
      colLabels: Array.from({ length: T }, (_, i) => i + 1),
    });
  };
  const drawAll = () => { drawLoss(); drawPred(); drawGrad(); drawHidden(); };
  const clear = () => {
    losses.clear(); evalSteps = []; evalLosses = [];
    data = null; view = null;
    drawAll();
  };
  clear();

  demo.trainable({
    session: "rnn",
    onStart(params) {
      clipping = params.clip;
      clear();
    },
    onProgress(p) {
      if (p.data) data = p.data;
      if (p.view) {
        losses.push(p.losses.x, p.losses.y);
        view = p.view;
        evalSteps.push(p.step);
        evalLosses.push(view.eval_loss);
        drawAll();
      }
      const last = p.loss === null ? "—" : p.loss.toExponential(2);
      const norm = p.grad_norm === null || p.grad_norm === undefined ? "—" : p.grad_norm.toExponential(2);
      const clipped = clipping && p.grad_norm > 1 ? "（已裁剪到 1）" : "";
      demo.status(`第 ${p.step} 步：训练损失 ${last}，这一步的梯度总范数 ${norm}${clipped}`);
    },
    describe: (r) => `完成：${r.steps} 步，用时 ${r.seconds.toFixed(1)} 秒。留出数据上逐步预测的 MSE = ${r.loss.toExponential(2)}`
      + `（目标 < ${r.target_loss}${r.loss < r.target_loss ? "，已达到" : "，未达到"}），`
      + `自由续写 ${r.free_run_steps} 步的 MSE = ${r.free_run_loss.toExponential(2)}；`
      + `最后一步里，传回第 1 步的梯度是传回第 T 步的 ${r.gradient_ratio.toExponential(1)} 倍。`,
    onReset: clear,
  });
}
