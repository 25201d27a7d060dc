// Activity: likes, comments, follows and mentions, grouped ("alice, bob and 3 others liked
// your photo"), newest first; opening it marks everything read.
import { api, page } from "../api/client.js";
import { needSignIn } from "../router.js";
import { avatar, empty, enc, h, link } from "../ui/dom.js";
import { when } from "../ui/format.js";
import { pager } from "../ui/pager.js";

const DOING = {
  like: "liked your photo",
  comment: "commented",
  follow: "started following you",
  mention: "mentioned you",
};

function who(n) {
  const names = n.actors.map((a, i) => [i ? (i === n.actors.length - 1 && n.actorCount <= n.actors.length ? " and " : ", ") : "", link(`/u/${enc(a.username)}`, {}, h("strong", {}, a.username))]);
  const others = n.actorCount - n.actors.length;
  return [...names.flat(), others > 0 ? ` and ${others.toLocaleString()} ${others === 1 ? "other" : "others"}` : ""];
}

function row(n) {
  const faces = h("span", { class: "faces" }, n.actors.slice(0, 2).map((a) => avatar(a)));
  const text = h("p", { class: "what" }, ...who(n), " ", DOING[n.kind] || n.kind, n.preview ? [":", h("span", { class: "preview" }, ` “${n.preview}”`)] : ".", " ", when(new Date(n.at).toISOString(), { class: "muted" }));
  const photo = n.photo
    ? link(`/p/${enc(n.photo.username)}/${enc(n.photo.photoId)}`, { class: "thumb", "aria-label": "Open the photo" }, h("img", { src: n.photo.thumbnailUrl || n.photo.url, alt: "" }))
    : null;
  return h("li", { class: n.unread ? "unread" : "" }, faces, text, photo);
}

export async function render(view) {
  if (needSignIn()) return;
  view.setTitle("Activity");
  view.container.append(h("h1", {}, "Activity"));
  const list = h("ul", { class: "activity", "aria-label": "Notifications" });
  const { next, footer, watch } = pager(
    view,
    (cursor, signal) => api("GET", page("/api/me/notifications", 20, cursor), undefined, { signal }).then((r) => ({ ...r, items: r.items.map(row) })),
    list,
  );
  const first = await next();
  if (!first.length && !footer.querySelector(".error").textContent) {
    view.container.append(empty("No activity yet", h("p", {}, "When people like or comment on your photos, follow you or mention you, you'll see it here.")));
    return;
  }
  list.append(...first);
  view.container.append(list, footer);
  watch();
  api("POST", "/api/me/notifications/read").catch(() => {}); // the badge follows by itself
}
