// Loads Leaflet once, for a map reached by in-app navigation from a page whose
// HTML did not carry it (see `shows_map` in driver.rs). Resolves true when
// `window.L` exists, false when the script could not load (a later call tries
// again).
let loading;
export function ensureLeaflet(js, css) {
  if (window.L) return Promise.resolve(true);
  if (!loading) {
    loading = new Promise((resolve) => {
      if (!document.querySelector(`link[href="${css}"]`)) {
        const link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = css;
        document.head.appendChild(link);
      }
      // The page's own deferred tag may still be on its way: wait for it.
      let script = document.querySelector(`script[src="${js}"]`);
      if (!script) {
        script = document.createElement('script');
        script.src = js;
        document.head.appendChild(script);
      }
      script.addEventListener('load', () => resolve(!!window.L), { once: true });
      script.addEventListener('error', () => {
        script.remove();
        loading = undefined;
        resolve(false);
      }, { once: true });
    });
  }
  return loading;
}
