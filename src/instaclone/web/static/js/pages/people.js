// Followers and following, each with a Follow button (and the rows other lists of people use).
import { api, page } from "../api/client.js";
import { avatar, empty, enc, h, link } from "../ui/dom.js";
import { followButton, relations } from "../ui/follow-button.js";
import { pager } from "../ui/pager.js";

// Rows for a page of people; their Follow buttons (Follow back to those who follow you,
// none for those you block) come from one question for the whole page, not one a row.
export function personRows(users) {
  const rows = users.map((user) => [user.username, h("li", {}, avatar(user), h("div", { class: "who" }, link(`/u/${enc(user.username)}`, {}, h("strong", {}, user.username)), h("span", { class: "muted" }, user.name)))]);
  relations(rows.map(([username]) => username)).then((found) => {
    for (const [username, row] of rows) {
      const r = found.get(username);
      if (r) row.append(r.blocked ? h("span", { class: "chip" }, "Blocked") : followButton(username, r.following, undefined, { followsYou: r.followsYou }));
    }
  }, () => {});
  return rows.map(([, row]) => row);
}

export async function render(view, username, which) {
  view.setTitle(`${which === "followers" ? "Followers" : "Following"} of @${username}`);
  view.keep = true;
  view.container.append(h("h1", {}, which === "followers" ? `People following @${username}` : `People @${username} follows`));
  const list = h("ul", { class: "people" });
  const { next, footer, watch } = pager(
    view,
    (cursor, signal) => api("GET", page(`/api/users/${enc(username)}/${which}`, 30, cursor), undefined, { signal }).then((r) => ({ ...r, items: personRows(r.items) })),
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
