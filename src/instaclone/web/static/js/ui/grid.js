// A grid of photo tiles, paged by the API's cursors (profile, tag, Explore, Saved).
import { api, page } from "../api/client.js";
import { enc, h, link } from "./dom.js";
import { pager } from "./pager.js";
import { altOf } from "./photo-card.js";

export const tile = (photo) =>
  link(`/p/${enc(photo.username)}/${enc(photo.photoId)}`, {}, h("img", { src: photo.thumbnailUrl || photo.url, alt: altOf(photo), loading: "lazy" }));

// Draws the first page into `view` (or `whenEmpty()` if there is none) and loads more as
// the end comes into view; the same photo is never shown twice (a ranking may move while
// you scroll). `onPage(result)` sees each page as it arrives.
export async function photoGrid(view, path, { label = "Photos", size = 24, whenEmpty, onPage, into = view.container } = {}) {
  const grid = h("div", { class: "grid", "aria-label": label });
  const shown = new Set();
  const { next, footer, watch } = pager(
    view,
    (cursor, signal) =>
      api("GET", page(path, size, cursor), undefined, { signal }).then((r) => {
        if (onPage) onPage(r);
        const fresh = r.items.filter((p) => !shown.has(p.photoId));
        fresh.forEach((p) => shown.add(p.photoId));
        return { ...r, items: fresh.map(tile) };
      }),
    grid,
  );
  const first = await next();
  if (!first.length && !footer.querySelector(".error").textContent) {
    if (whenEmpty) into.append(whenEmpty());
    return;
  }
  grid.append(...first);
  into.append(grid, footer);
  watch();
}
