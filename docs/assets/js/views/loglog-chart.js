// A chart with both axes on a log scale (scaling laws are straight lines there): series of points and lines,
// ticks at 1, 2, 5 × powers of ten, an optional vertical marker (e.g. a compute budget).
import { COLORS, drawLegend, fitContext, makeCanvas, themeColor } from "../plot.js";

function logTicks(lo, hi) {
  const out = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of hi / lo > 30 ? [1] : [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  if (out.length < 2) out.push(lo, hi);
  return out;
}

const label = (v) => (v >= 1e4 || v < 1e-2 ? v.toExponential(0).replace("e+", "e") : String(+v.toPrecision(3)));

export class LogLogChart {
  /** options: {xLabel, yLabel, label, width, height} */
  constructor(parent, options = {}) {
    this.options = options;
    this.canvas = makeCanvas(parent, options);
  }

  /** series: [{name, x, y, color, points, dashed}]; extra: {marker: x value} */
  draw(series = [], { marker } = {}) {
    const o = this.options;
    const W = this.canvas.logicalWidth, H = this.canvas.logicalHeight;
    const ctx = fitContext(this.canvas);
    const fg = themeColor(this.canvas, "--md-default-fg-color", "#333");
    const grid = themeColor(this.canvas, "--md-default-fg-color--lightest", "#ddd");
    const pad = { l: 52, r: 12, t: 12, b: 34 };
    const xs = [], ys = [];
    for (const s of series) s.y.forEach((y, i) => { if (y > 0 && s.x[i] > 0) { xs.push(s.x[i]); ys.push(y); } });
    if (marker > 0) xs.push(marker);
    if (!xs.length) return;
    let [x0, x1] = [Math.min(...xs) / 1.2, Math.max(...xs) * 1.2];
    let [y0, y1] = [Math.min(...ys) / 1.03, Math.max(...ys) * 1.03];
    const lx0 = Math.log10(x0), lx1 = Math.log10(x1), ly0 = Math.log10(y0), ly1 = Math.log10(y1);
    const px = (x) => pad.l + ((Math.log10(x) - lx0) / (lx1 - lx0 || 1)) * (W - pad.l - pad.r);
    const py = (y) => H - pad.b - ((Math.log10(y) - ly0) / (ly1 - ly0 || 1)) * (H - pad.t - pad.b);
    ctx.font = "11px sans-serif";
    ctx.strokeStyle = grid; ctx.fillStyle = fg; ctx.lineWidth = 1;
    for (const t of logTicks(y0, y1)) {
      const y = py(t);
      ctx.beginPath(); ctx.moveTo(pad.l, y); ctx.lineTo(W - pad.r, y); ctx.stroke();
      ctx.textAlign = "right"; ctx.fillText(label(t), pad.l - 4, y + 4);
    }
    for (const t of logTicks(x0, x1)) {
      const x = px(t);
      ctx.beginPath(); ctx.moveTo(x, pad.t); ctx.lineTo(x, H - pad.b); ctx.stroke();
      ctx.textAlign = "center"; ctx.fillText(label(t), x, H - pad.b + 14);
    }
    if (o.xLabel) { ctx.textAlign = "center"; ctx.fillText(o.xLabel, (pad.l + W - pad.r) / 2, H - 4); }
    if (o.yLabel) {
      ctx.save(); ctx.translate(12, (pad.t + H - pad.b) / 2); ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "center"; ctx.fillText(o.yLabel, 0, 0); ctx.restore();
    }
    series.forEach((s, k) => {
      ctx.strokeStyle = ctx.fillStyle = s.color || COLORS[k % COLORS.length];
      ctx.lineWidth = 2;
      ctx.setLineDash(s.dashed ? [5, 4] : []);
      const pts = s.x.map((x, i) => [x, s.y[i]]).filter(([x, y]) => x > 0 && y > 0);
      if (s.points) {
        for (const [x, y] of pts) { ctx.beginPath(); ctx.arc(px(x), py(y), 3.5, 0, 2 * Math.PI); ctx.fill(); }
      }
      if (!s.points || s.line) {
        ctx.beginPath();
        pts.forEach(([x, y], i) => (i ? ctx.lineTo(px(x), py(y)) : ctx.moveTo(px(x), py(y))));
        ctx.stroke();
      }
    });
    ctx.setLineDash([]);
    if (marker > 0) {
      ctx.strokeStyle = fg; ctx.setLineDash([2, 3]);
      ctx.beginPath(); ctx.moveTo(px(marker), pad.t); ctx.lineTo(px(marker), H - pad.b); ctx.stroke();
      ctx.setLineDash([]);
    }
    drawLegend(ctx, series, pad, fg);
  }
}
