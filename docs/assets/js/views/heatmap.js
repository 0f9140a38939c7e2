// A labelled heatmap on a canvas: one cell per value, row and column labels, optional numbers in the cells.
// Used by the attention demo (query x key weights) and the RNN demo (hidden units x time steps).
import { fitContext, makeCanvas, themeColor } from "../plot.js";

// t in [0, 1] -> colour. "sequential": white to indigo (weights, probabilities); "diverging": blue - white - red.
function colour(t, map) {
  t = Math.min(1, Math.max(0, t));
  if (map === "diverging") {
    const u = Math.abs(t - 0.5) * 2;
    const [r, g, b] = t < 0.5 ? [33, 102, 172] : [178, 24, 43];
    return `rgb(${Math.round(255 + (r - 255) * u)},${Math.round(255 + (g - 255) * u)},${Math.round(255 + (b - 255) * u)})`;
  }
  return `rgb(${Math.round(255 - 192 * t)},${Math.round(255 - 174 * t)},${Math.round(255 - 74 * t)})`;
}

export class Heatmap {
  /** options: {width, height, label, xLabel, yLabel, colormap: "sequential"|"diverging", lo, hi, numbers} */
  constructor(parent, options = {}) {
    this.options = Object.assign({ width: 360, height: 300, colormap: "sequential", lo: 0, hi: 1 }, options);
    this.canvas = makeCanvas(parent, this.options);
  }

  clear() {
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /**
   * values: array of rows (rows x cols). rowLabels / colLabels: arrays of strings (drawn when they fit).
   * highlight: optional [[row, col], ...] cells to outline (e.g. where each row should look).
   */
  draw(values, { rowLabels = [], colLabels = [], highlight = [] } = {}) {
    const o = this.options;
    const c = this.canvas;
    const ctx = fitContext(c);
    const W = c.logicalWidth, H = c.logicalHeight;
    const rows = values.length, cols = rows ? values[0].length : 0;
    if (!rows || !cols) return;
    const fg = themeColor(c, "--md-default-fg-color", "#333");
    const pad = { l: o.yLabel ? 44 : 28, r: 8, t: 8, b: o.xLabel ? 36 : 22 };
    const cw = (W - pad.l - pad.r) / cols, ch = (H - pad.t - pad.b) / rows;
    const span = o.hi - o.lo || 1;
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < cols; k++) {
        const v = values[r][k];
        ctx.fillStyle = v === null ? "#ccc" : colour((v - o.lo) / span, o.colormap);
        ctx.fillRect(pad.l + k * cw, pad.t + r * ch, Math.ceil(cw), Math.ceil(ch));
      }
    }
    ctx.font = "11px sans-serif";
    if (o.numbers && cw >= 26 && ch >= 16) {
      ctx.textAlign = "center";
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < cols; k++) {
          const v = values[r][k];
          if (v === null) continue;
          ctx.fillStyle = (v - o.lo) / span > 0.55 ? "#fff" : "#333";
          ctx.fillText(v.toFixed(2), pad.l + (k + 0.5) * cw, pad.t + (r + 0.5) * ch + 4);
        }
      }
    }
    ctx.strokeStyle = fg;
    ctx.lineWidth = 2;
    for (const [r, k] of highlight) ctx.strokeRect(pad.l + k * cw + 1, pad.t + r * ch + 1, cw - 2, ch - 2);
    ctx.fillStyle = fg;
    // label every n-th row / column so the labels never overlap
    const every = (size, room) => Math.max(1, Math.ceil(room / size));
    const rowStep = every(ch, 12), colStep = every(cw, 18);
    ctx.textAlign = "right";
    for (let r = 0; r < rows; r += rowStep) {
      if (rowLabels[r] !== undefined) ctx.fillText(String(rowLabels[r]), pad.l - 4, pad.t + (r + 0.5) * ch + 4);
    }
    ctx.textAlign = "center";
    for (let k = 0; k < cols; k += colStep) {
      if (colLabels[k] !== undefined) ctx.fillText(String(colLabels[k]), pad.l + (k + 0.5) * cw, H - pad.b + 13);
    }
    if (o.xLabel) ctx.fillText(o.xLabel, (pad.l + W - pad.r) / 2, H - 4);
    if (o.yLabel) {
      ctx.save();
      ctx.translate(11, (pad.t + H - pad.b) / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.fillText(o.yLabel, 0, 0);
      ctx.restore();
    }
  }
}
