// What the digit recogniser loads besides ONNX Runtime: the model's metadata (docs/models/mnist-cnn.json,
// written by build_tools/export_onnx.py) and the held-out digits (build_tools/digits_assets.py). Each is
// fetched once per page; a failed fetch can be retried.
import { vendorUrl } from "../demo-kit.js";

export const MODELS_URL = new URL("../models/", vendorUrl).href;
const META_URL = MODELS_URL + "mnist-cnn.json";
const HELDOUT_URL = vendorUrl + "data/heldout-digits.bin";

function once(make) {
  let p = null;
  return () => {
    if (!p) { p = make(); p.catch(() => { p = null; }); }
    return p;
  };
}

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} 返回 HTTP ${response.status}`);
  return response;
}

export const loadMeta = once(async () => (await fetchOk(META_URL)).json());

/**
 * The held-out digits: {count, images: Float32Array(count * 784) in 0..1, labels: Uint8Array(count)}.
 * File layout (see build_tools/digits_assets.py): "MNHO", uint32 LE count, count * 784 pixel bytes, count labels.
 */
export const loadHeldout = once(async () => {
  const buffer = await (await fetchOk(HELDOUT_URL)).arrayBuffer();
  if (String.fromCharCode(...new Uint8Array(buffer, 0, 4)) !== "MNHO") throw new Error("测试集文件的格式不对");
  const count = new DataView(buffer).getUint32(4, true);
  const pixels = new Uint8Array(buffer, 8, count * 784);
  const labels = new Uint8Array(buffer, 8 + count * 784, count);
  const images = new Float32Array(count * 784);
  for (let i = 0; i < images.length; i++) images[i] = pixels[i] / 255;
  return { count, images, labels };
});

/** Bytes of the held-out file (layout above), from the metadata's count: said before it downloads. */
export const heldoutBytes = (meta) => 8 + 785 * meta.held_out_size;

/** One held-out digit's 784 values. */
export const digitOf = (heldout, index) => heldout.images.subarray(index * 784, (index + 1) * 784);

/** The models on offer, from the metadata: FP32 always, INT8 when the export kept it. */
export function modelList(meta) {
  const list = [{ id: "fp32", name: "FP32", url: MODELS_URL + meta.model_file, bytes: meta.model_bytes,
    accuracy: meta.held_out_accuracy }];
  if (meta.int8) {
    list.push({ id: "int8", name: "INT8", url: MODELS_URL + meta.int8.model_file, bytes: meta.int8.model_bytes,
      accuracy: meta.int8.held_out_accuracy });
  }
  return list;
}
