// Blocked accounts (reached from Edit profile): each with Unblock, which keeps the row (as
// "Block" again) so a slip is one click to undo.
import { api, page } from "../api/client.js";
import { needSignIn } from "../router.js";
import { blockButton } from "../ui/block.js";
import { avatar, empty, enc, h, link } from "../ui/dom.js";
import { pager } from "../ui/pager.js";

function row(user) {
  const li = h("li", {}, avatar(user), h("div", { class: "who" }, link(`/u/${enc(user.username)}`, {}, h("strong", {}, user.username)), h("span", { class: "muted" }, user.name)));
  const place = (blocked) => {
    const button = blockButton(user.username, blocked, place);
    const old = li.querySelector("button");
    if (old) old.replaceWith(button);
    else li.append(button);
    if (old) button.focus(); // the keyboard stays on the row's button
  };
  place(true);
  return li;
}

export async function render(view) {
  if (needSignIn()) return;
  view.setTitle("Blocked accounts");
  view.container.append(
    h("h1", {}, "Blocked accounts"),
    h("p", { class: "muted" }, "They can't follow you or message you, and what they do doesn't notify you. They aren't told."),
  );
  const list = h("ul", { class: "people", "aria-label": "Blocked accounts" });
  const { next, footer, watch } = pager(
    view,
    (cursor, signal) => api("GET", page("/api/me/blocked", 30, cursor), undefined, { signal }).then((r) => ({ ...r, items: r.items.map(row) })),
    list,
  );
  const first = await next();
  if (!first.length) {
    view.container.append(empty("No one is blocked", h("p", {}, "Block someone from their profile or from a message request."), link("/settings", {}, "Back to Edit profile")));
    return;
  }
  list.append(...first);
  view.container.append(list, footer);
  watch();
}
