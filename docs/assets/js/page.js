// Runs on every page: mounts the interactive demos (one module per demo, docs/assets/js/demos/<id>.js).
// Formulas and diagrams arrive already rendered (build_tools/render.py), so no formula or diagram code runs here.
async function mountDemos() {
  for (const el of document.querySelectorAll("[data-demo]")) {
    const id = el.dataset.demo;
    try {
      const module = await import(`./demos/${id}.js`);
      module.mount(el);
    } catch (err) {
      el.dataset.state = "error";
      el.innerHTML = `<div class="demo-error">演示 “${id}” 加载失败：${err.message}</div>`;
      console.warn(err);
    }
  }
}

mountDemos();
