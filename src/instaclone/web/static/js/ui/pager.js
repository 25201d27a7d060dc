// Pages of a list by the API's cursors: the next page loads as the end of the list comes
// into view, with a visible button as well (keyboard users, and a fallback); a failed load
// says so and can be retried, and never leaves the button stuck.
import { h } from "./dom.js";

export function pager(view, load, container, { label = "Load more" } = {}) {
  const button = h("button", { type: "button", class: "more" }, label);
  const status = h("p", { class: "error", role: "alert" });
  const footer = h("div", { class: "pager" }, status, button);
  let cursor = null;
  let loading = false;
  let done = false;

  async function next() {
    if (loading || done) return [];
    loading = true;
    button.disabled = true;
    button.textContent = "Loading…";
    status.textContent = "";
    try {
      // A page may come back empty with a cursor (everything in it was filtered out, as
      // on Explore): read on, a few pages at most, before saying there is nothing.
      for (let tries = 0; ; tries++) {
        const result = await load(cursor, view.signal);
        cursor = result.cursor;
        done = !cursor;
        if (result.items.length || done || tries >= 4) return result.items;
      }
    } catch (error) {
      if (error.name !== "AbortError") {
        status.textContent = `${error.message} `;
        button.textContent = "Try again";
      }
      return [];
    } finally {
      loading = false;
      button.disabled = false;
      if (button.textContent === "Loading…") button.textContent = label;
      button.hidden = done;
    }
  }

  const more = async () => container.append(...(await next()));
  button.addEventListener("click", more);
  let observer = null;
  const watch = () => {
    if (!("IntersectionObserver" in window)) return;
    observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !loading && !done && !status.textContent) more();
    }, { rootMargin: "400px" });
    observer.observe(footer);
  };
  // Back online after a failed page: try again by itself.
  const online = () => {
    if (status.textContent && !done) {
      status.textContent = "";
      more();
    }
  };
  window.addEventListener("online", online);
  const unwatch = () => {
    if (observer) observer.disconnect();
    window.removeEventListener("online", online);
  };
  view.onCleanup(unwatch);
  view.onResume(() => {
    window.addEventListener("online", online);
    watch();
  });
  return { next, footer, watch };
}
