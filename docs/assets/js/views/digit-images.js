// Small grayscale pictures for the digit demos (mnist-mlp, cnn). Python sends pixels as base64 uint8
// (a 28×28 digit is 1 KB); a canvas holds them at their own resolution and CSS scales it up without blurring,
// so a picture costs one putImageData however large it is shown.
import { h } from "../demo-kit.js";

export function decodeBytes(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A canvas of rows×cols pixels shown `scale` times larger. */
export function pixelCanvas(rows, cols, { scale = 2, label = "" } = {}) {
  const canvas = h("canvas", { width: cols, height: rows, role: "img", "aria-label": label || null });
  canvas.style.width = `${cols * scale}px`;
  canvas.style.height = `${rows * scale}px`;
  canvas.style.imageRendering = "pixelated";
  canvas.style.border = "1px solid var(--md-default-fg-color--lightest)";
  return canvas;
}

/** Paint gray levels 0..max (from `offset` in `levels`; bytes by default, max = 1 for floats) into the canvas;
 *  `ink` shows high values dark, like ink on paper (MNIST stores white digits on black); no levels paints blank. */
export function paintGray(canvas, levels, { offset = 0, ink = true, max = 255 } = {}) {
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(canvas.width, canvas.height);
  const n = canvas.width * canvas.height;
  for (let i = 0; i < n; i++) {
    const level = levels ? Math.min(1, Math.max(0, levels[offset + i] / max)) : 0;
    const v = Math.round(255 * (ink ? 1 - level : level));
    img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** A picture with a caption under it. */
export function figure(canvas, caption) {
  const cap = h("figcaption", {}, caption);
  cap.style.fontSize = "0.7rem";
  cap.style.textAlign = "center";
  cap.style.margin = "0.1rem 0 0";
  const fig = h("figure", {}, canvas, cap);
  fig.style.margin = "0";
  fig.style.display = "inline-flex";
  fig.style.flexDirection = "column";
  fig.style.alignItems = "center";
  return fig;
}

/** A wrapping row of pictures with a heading. Returns {box, row}. */
export function gallery(title) {
  const heading = h("div", {}, title);
  heading.style.fontSize = "0.75rem";
  heading.style.margin = "0.6rem 0 0.3rem";
  const row = h("div", {});
  row.style.display = "flex";
  row.style.flexWrap = "wrap";
  row.style.gap = "0.4rem";
  const box = h("div", {}, heading, row);
  return { box, heading, row };
}
