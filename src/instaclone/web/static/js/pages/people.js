// Followers and following, each with a Follow button.
import { api, page } from "../api/client.js";
import { avatar, empty, enc, h, link } from "../ui/dom.js";
import { followButton, isFollowing } from "../ui/follow-button.js";
import { pager } from "../ui/pager.js";
import { session } from "../state/session.js";

// followsYou: the row is on your own followers list, so its button says "Follow back".
export function personRow(user, { followsYou = false } = {}) {
  const row = h("li", {}, avatar(user), h("div", { class: "who" }, link(`/u/${enc(user.username)}`, {}, h("strong", {}, user.username)), h("span", { class: "muted" }, user.name)));
  isFollowing(user.username).then((following) => {
    if (following !== null) row.append(followButton(user.username, following, undefined, { followsYou }));
  }, () => {});
  return row;
}

export async function render(view, username, which) {
  view.setTitle(`${which === "followers" ? "Followers" : "Following"} of @${username}`);
  view.keep = true;
  const followsYou = which === "followers" && session.me?.username === username;
  view.container.append(h("h1", {}, which === "followers" ? `People following @${username}` : `People @${username} follows`));
  const list = h("ul", { class: "people" });
  const { next, footer, watch } = pager(
    view,
    (cursor, signal) => api("GET", page(`/api/users/${enc(username)}/${which}`, 30, cursor), undefined, { signal }).then((r) => ({ ...r, items: r.items.map((user) => personRow(user, { followsYou })) })),
    list,
  );
  const first = await next();
  if (!first.length) {
    view.container.append(empty(which === "followers" ? "No followers yet" : "Not following anyone yet", link(`/u/${enc(username)}`, {}, `Back to @${username}`)));
    return;
  }
  list.append(...first);
  view.container.append(list, footer);
  watch();
}
