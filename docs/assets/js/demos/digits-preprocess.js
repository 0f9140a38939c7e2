// MNIST-style preprocessing of a drawn digit: the input handling that turns a canvas into what the model
// was trained on. It is not part of the model; it copies how the MNIST images were made:
//   1. crop to the ink's bounding box;
//   2. scale it, keeping the aspect ratio, so that its longer side is 20 pixels (area averaging, which is
//      what anti-aliased downscaling does to a stroke: a pixel half covered by ink becomes 0.5);
//   3. put it in a 28 x 28 frame, shifted by whole pixels so that its centre of mass lands on the centre;
//   4. values 0..1, ink white (1) on black (0), the strongest pixel at 1 as in MNIST.

export const SIDE = 28;
export const BOX = 20;
// Centre of mass of the MNIST training digits, in pixel-index coordinates (row, column): both 14.0 within
// 0.01 in the packed set. Whole-pixel shifts leave the spread of +-0.5 px that MNIST itself shows.
export const CENTRE = 14;
const INK = 0.02; // fainter pixels are anti-aliasing dust, not ink

/** Grey levels 0..1 of a canvas drawn white on black (the red channel). */
export function canvasGray(canvas) {
  const { width, height } = canvas;
  const rgba = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  const gray = new Float32Array(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = rgba[4 * i] / 255;
  return gray;
}

/** Bounding box {x0, y0, x1, y1} (x1, y1 exclusive) of the pixels brighter than INK, or null if none. */
export function inkBox(gray, width, height) {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (gray[row + x] > INK) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * Area-average resampling along one axis: n source cells onto m target cells. Returns, for each target
 * cell, the source cells it covers and how much of each (weights sum to 1).
 */
function areaWeights(n, m) {
  const table = [];
  const step = n / m;
  for (let i = 0; i < m; i++) {
    const a = i * step, b = (i + 1) * step;
    const cells = [];
    for (let k = Math.floor(a); k < Math.min(n, Math.ceil(b)); k++) {
      const overlap = Math.min(b, k + 1) - Math.max(a, k);
      if (overlap > 1e-9) cells.push([k, overlap / step]);
    }
    table.push(cells);
  }
  return table;
}

/** Resample a w x h region (left, top) of `gray` (row length `stride`) to tw x th by area averaging. */
export function resample(gray, stride, left, top, w, h, tw, th) {
  const cols = areaWeights(w, tw), rows = areaWeights(h, th);
  const tmp = new Float32Array(tw * h); // columns first, then rows: separable
  for (let y = 0; y < h; y++) {
    const src = (top + y) * stride + left;
    for (let i = 0; i < tw; i++) {
      let v = 0;
      for (const [k, wt] of cols[i]) v += gray[src + k] * wt;
      tmp[y * tw + i] = v;
    }
  }
  const out = new Float32Array(tw * th);
  for (let j = 0; j < th; j++) {
    for (let i = 0; i < tw; i++) {
      let v = 0;
      for (const [k, wt] of rows[j]) v += tmp[k * tw + i] * wt;
      out[j * tw + i] = v;
    }
  }
  return out;
}

/** Centre of mass {x, y} of a w x h image, in pixel-index coordinates. */
export function centreOfMass(img, w, h) {
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = img[y * w + x];
      m += v; mx += v * x; my += v * y;
    }
  }
  return m > 0 ? { x: mx / m, y: my / m } : { x: (w - 1) / 2, y: (h - 1) / 2 };
}

/**
 * The 28 x 28 model input (Float32Array of 784, row-major) for a grey image of any size, or null when
 * there is no ink. Also returns the steps' geometry for display: {input, box, scaled: [tw, th], offset}.
 */
export function preprocess(gray, width, height) {
  const box = inkBox(gray, width, height);
  if (!box) return null;
  const w = box.x1 - box.x0, h = box.y1 - box.y0;
  const scale = BOX / Math.max(w, h);
  const tw = Math.max(1, Math.min(BOX, Math.round(w * scale)));
  const th = Math.max(1, Math.min(BOX, Math.round(h * scale)));
  const small = resample(gray, width, box.x0, box.y0, w, h, tw, th);
  const com = centreOfMass(small, tw, th);
  const ox = Math.min(SIDE - tw, Math.max(0, Math.round(CENTRE - com.x)));
  const oy = Math.min(SIDE - th, Math.max(0, Math.round(CENTRE - com.y)));
  const input = new Float32Array(SIDE * SIDE);
  let peak = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = Math.min(1, small[y * tw + x]);
      input[(oy + y) * SIDE + ox + x] = v;
      if (v > peak) peak = v;
    }
  }
  if (peak <= 0) return null;
  for (let i = 0; i < input.length; i++) input[i] /= peak;
  return { input, box, scaled: [tw, th], offset: [ox, oy] };
}
