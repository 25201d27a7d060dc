// Everyone who liked a photo.
import { api, page } from "../api/client.js";
import { enc, h, link } from "../ui/dom.js";
import { pager } from "../ui/pager.js";
import { personRows } from "./people.js";

export async function render(view, owner, photoId) {
  view.setTitle(`Likes of a photo by @${owner}`);
  const list = h("ul", { class: "people" });
  view.container.append(h("h1", {}, "Liked by"), link(`/p/${enc(owner)}/${enc(photoId)}`, {}, "Back to the photo"), list);
  const { next, footer, watch } = pager(
    view,
    (cursor, signal) => api("GET", page(`/api/users/${enc(owner)}/photos/${enc(photoId)}/likes`, 30, cursor), undefined, { signal }).then((r) => ({ ...r, items: personRows(r.items) })),
    list,
  );
  list.append(...(await next()));
  if (!list.children.length) list.append(h("li", { class: "muted" }, "No likes yet."));
  view.container.append(footer);
  watch();
}
