// The loss surface as a banded heat map (the bands read like contour lines) with the optimisers' paths on top.
// The grid of log10(f) comes from Python once; it is painted into a small offscreen image and scaled, so a
// redraw costs one drawImage plus the paths.
import { fitContext, makeCanvas } from "../plot.js";

const PAD = { l: 38, r: 8, t: 8, b: 24 };
const BANDS = 14;

// Low loss light, high loss darker blue-grey; quantised into bands.
function bandColor(t) {
  const level = Math.min(BANDS - 1, Math.floor(t * BANDS)) / (BANDS - 1);
  return `hsl(212, ${15 + 25 * level}%, ${97 - 32 * level}%)`;
}

function rgb(css) {
  const probe = document.createElement("canvas").getContext("2d");
  probe.fillStyle = css;
  probe.fillRect(0, 0, 1, 1);
  return probe.getImageData(0, 0, 1, 1).data;
}

export class SurfaceMap {
  constructor(parent, { width = 480, height = 300, label = "" } = {}) {
    this.canvas = makeCanvas(parent, { width, height, label });
    this.surface = null;
    this.image = null;
  }

  /** grid: {values (size*size, row 0 = top), size, extent: [x0, x1, y0, y1], marks: [[x, y, label]]} */
  setSurface(grid) {
    const n = grid.size;
    let lo = Infinity, hi = -Infinity;
    for (const v of grid.values) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const palette = Array.from({ length: BANDS }, (_, k) => rgb(bandColor((k + 0.5) / BANDS)));
    const image = new ImageData(n, n);
    grid.values.forEach((v, i) => {
      const c = palette[Math.min(BANDS - 1, Math.floor(((v - lo) / (hi - lo || 1)) * BANDS))];
      image.data.set([c[0], c[1], c[2], 255], 4 * i);
    });
    this.image = document.createElement("canvas");
    this.image.width = this.image.height = n;
    this.image.getContext("2d").putImageData(image, 0, 0);
    this.surface = grid;
  }

  clear() {
    this.surface = null;
    this.image = null;
    this.draw({});
  }

  /** Plot coordinates -> canvas pixels, or null before a surface is known. */
  mapping() {
    if (!this.surface) return null;
    const [x0, x1, y0, y1] = this.surface.extent;
    const W = this.canvas.logicalWidth, H = this.canvas.logicalHeight;
    return {
      px: (x) => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r),
      py: (y) => H - PAD.b - ((y - y0) / (y1 - y0)) * (H - PAD.t - PAD.b),
    };
  }

  /** The surface point under a pointer event, or null when outside the map. */
  toData(event) {
    if (!this.surface) return null;
    const [x0, x1, y0, y1] = this.surface.extent;
    const rect = this.canvas.getBoundingClientRect();
    const W = this.canvas.logicalWidth, H = this.canvas.logicalHeight;
    const cx = (event.clientX - rect.left) * W / rect.width, cy = (event.clientY - rect.top) * H / rect.height;
    const x = x0 + ((cx - PAD.l) / (W - PAD.l - PAD.r)) * (x1 - x0);
    const y = y0 + ((H - PAD.b - cy) / (H - PAD.t - PAD.b)) * (y1 - y0);
    return x >= x0 && x <= x1 && y >= y0 && y <= y1 ? [x, y] : null;
  }

  /** paths: [{name, color, points: [[x, y], ...], ended}], start: [x, y] */
  draw({ paths = [], start = null } = {}) {
    const ctx = fitContext(this.canvas);
    const W = this.canvas.logicalWidth, H = this.canvas.logicalHeight;
    const fg = getComputedStyle(this.canvas).getPropertyValue("--md-default-fg-color").trim() || "#333";
    ctx.font = "11px sans-serif";
    ctx.fillStyle = fg;
    if (!this.surface) {
      ctx.textAlign = "center";
      ctx.fillText("点「开始比赛」后，这里画出损失曲面和三条路径", W / 2, H / 2);
      return;
    }
    const { px, py } = this.mapping();
    const [x0, x1, y0, y1] = this.surface.extent;
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.image, PAD.l, PAD.t, W - PAD.l - PAD.r, H - PAD.t - PAD.b);
    ctx.fillStyle = fg;
    ctx.textAlign = "center";
    for (const x of [x0, (x0 + x1) / 2, x1]) ctx.fillText(String(+x.toFixed(2)), px(x), H - 8);
    ctx.textAlign = "right";
    for (const y of [y0, (y0 + y1) / 2, y1]) ctx.fillText(String(+y.toFixed(2)), PAD.l - 4, py(y) + 4);
    ctx.save();
    ctx.beginPath(); ctx.rect(PAD.l, PAD.t, W - PAD.l - PAD.r, H - PAD.t - PAD.b); ctx.clip();
    ctx.textAlign = "left";
    for (const [x, y, label] of this.surface.marks || []) {
      ctx.strokeStyle = "#222"; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(px(x) - 5, py(y) - 5); ctx.lineTo(px(x) + 5, py(y) + 5);
      ctx.moveTo(px(x) - 5, py(y) + 5); ctx.lineTo(px(x) + 5, py(y) - 5); ctx.stroke();
      ctx.fillStyle = "#222"; ctx.fillText(label, px(x) + 7, py(y) - 6);
    }
    for (const p of paths) {
      if (!p.points.length) continue;
      ctx.strokeStyle = ctx.fillStyle = p.color;
      ctx.lineWidth = 1.8;
      // Only segments longer than about a pixel are stroked: a converged path has thousands of steps on the same
      // few pixels, and stroking them all would block the page.
      ctx.beginPath();
      let lastX = px(p.points[0][0]), lastY = py(p.points[0][1]);
      ctx.moveTo(lastX, lastY);
      for (let i = 1; i < p.points.length; i++) {
        const X = px(p.points[i][0]), Y = py(p.points[i][1]);
        if (Math.abs(X - lastX) + Math.abs(Y - lastY) < 1 && i < p.points.length - 1) continue;
        ctx.lineTo(X, Y);
        lastX = X; lastY = Y;
      }
      ctx.stroke();
      const [x, y] = p.points[p.points.length - 1];
      ctx.beginPath(); ctx.arc(px(x), py(y), 4.5, 0, 2 * Math.PI); ctx.fill();
      if (p.ended) { ctx.strokeStyle = "#222"; ctx.lineWidth = 1; ctx.stroke(); }
    }
    if (start) {
      ctx.strokeStyle = "#000"; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.arc(px(start[0]), py(start[1]), 6, 0, 2 * Math.PI); ctx.stroke();
    }
    ctx.restore();
  }
}
