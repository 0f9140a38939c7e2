// Demo: learn y = 2x with a 1 -> hidden -> 1 ReLU network (Python: demos/apps/regression.py).
import { Demo, h } from "../demo-kit.js";
import { LineChart, Series, COLORS } from "../plot.js";

export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：训练一个学习 y = 2x 的小网络",
    intro: "三个样本 (1, 2)、(2, 4)、(3, 6)，网络 1 → 隐藏层 → 1，ReLU 激活，均方误差，全批量随机梯度下降。",
  });
  demo.addSettings();
  const plots = h("div", { class: "demo-plots" });
  demo.body.append(plots);
  const lossChart = new LineChart(plots, { logY: true, xLabel: "轮数", yLabel: "损失（对数刻度）", label: "损失曲线" });
  const fitChart = new LineChart(plots, { xLabel: "x", yLabel: "y", xRange: [0, 4], label: "网络的预测与真实的 y = 2x" });
  const curveX = Array.from({ length: 41 }, (_, i) => i / 10);
  const losses = new Series();
  let curve = null;

  const drawFit = () => fitChart.draw([
    { name: "y = 2x", x: curveX, y: curveX.map((x) => 2 * x), dashed: true, color: "#888" },
    ...(curve ? [{ name: "网络", x: curveX, y: curve }] : []),
    { name: "样本", x: [1, 2, 3], y: [2, 4, 6], points: true, color: COLORS[1] },
  ]);
  const drawLoss = () => lossChart.draw([{ name: "训练损失", x: losses.x, y: losses.y }]);
  const clear = () => { losses.clear(); curve = null; drawLoss(); drawFit(); };
  clear();

  demo.trainable({
    session: "regression",
    onStart: clear,
    onProgress(p) {
      if (p.losses) {
        losses.push(p.losses.x, p.losses.y);
        curve = p.curve;
        drawLoss();
        drawFit();
      }
      demo.status(`第 ${p.epoch} 轮，损失 ${p.loss === null ? "—" : p.loss.toExponential(3)}`);
    },
    describe: (r) => `完成：${r.steps} 轮，最终损失 ${r.loss.toExponential(3)}，用时 ${r.seconds.toFixed(2)} 秒；x = 4 时网络预测 ${r.prediction_at_4.toFixed(3)}（真实值 8）。`,
    onReset: clear,
  });
}
