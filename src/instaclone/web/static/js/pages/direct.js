// Direct: your conversations, the last message first, with its preview and unread count;
// Requests holds those started by people you don't follow. The list redraws itself when a
// message comes in (one Query), so it stays in order without a reload.
import { api, page } from "../api/client.js";
import { needSignIn } from "../router.js";
import { session } from "../state/session.js";
import { onLive } from "../state/live.js";
import { avatar, empty, enc, h, link } from "../ui/dom.js";
import { idTime, when } from "../ui/format.js";
import { pager } from "../ui/pager.js";

function row(entry, people, me) {
  const person = people.get(entry.other) || { username: entry.other, name: entry.other };
  const mine = entry.lastSender === me;
  const label = `${person.name}${entry.unread ? `, ${entry.unread} unread` : ""}`;
  return h(
    "li",
    { class: entry.unread ? "unread" : "", "data-conversation": entry.conversationId },
    link(
      `/direct/t/${enc(entry.other)}`,
      { class: "conversation", "aria-label": label },
      avatar(person),
      h(
        "span",
        { class: "stack-tight" },
        h("strong", {}, person.name, " ", h("span", { class: "muted handle" }, `@${entry.other}`)),
        h("span", { class: "preview" }, mine ? `You: ${entry.preview}` : entry.preview, " · ", when(idTime(entry.lastMessageId), { class: "muted" })),
      ),
      entry.unread ? h("span", { class: "count", "aria-hidden": "true" }, entry.unread > 99 ? "99+" : String(entry.unread)) : null,
    ),
  );
}

export async function render(view, folder = "inbox") {
  if (needSignIn()) return;
  const me = session.me.username;
  view.setTitle(folder === "requests" ? "Message requests" : "Messages");
  const requestsLabel = h("span", {}, "Requests");
  const tab = (name, href, ...label) => link(href, { class: folder === name ? "tab current" : "tab", "aria-current": folder === name ? "page" : null }, ...label);
  view.container.append(
    h("h1", {}, "Messages"),
    h("nav", { class: "tabs", "aria-label": "Folders" }, tab("inbox", "/direct", "Inbox"), tab("requests", "/direct/requests", requestsLabel)),
  );
  const list = h("ul", { class: "conversations", "aria-label": folder === "requests" ? "Message requests" : "Conversations" });
  const load = (cursor, signal) =>
    api("GET", page(`/api/me/conversations?folder=${folder}`, 20, cursor), undefined, { signal }).then((r) => {
      const people = new Map(r.users.map((u) => [u.username, u]));
      return { ...r, items: r.items.map((entry) => row(entry, people, me)) };
    });
  const nothing = () =>
    folder === "requests"
      ? empty("No message requests", h("p", {}, "Messages from people you don't follow wait here until you accept them."))
      : empty("No messages yet", h("p", {}, "Start a conversation from someone's profile with the Message button."), link("/search", { class: "button primary" }, "Find people"));
  const { next, footer, watch } = pager(view, load, list);
  const holder = h("div", {});
  view.container.append(holder, footer);
  const draw = (items) => holder.replaceChildren(items.length ? list : nothing());
  list.append(...(await next()));
  draw([...list.children]);
  watch();

  // A message in or out moves its conversation to the top, and a read, an accept or a
  // decline in another tab changes the counts: read the first page again, once per burst,
  // and only if nothing newer was asked for meanwhile.
  let timer = null;
  let asked = 0;
  let seen = null; // the counts last heard (the first are what the page was drawn with)
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++asked;
      try {
        const first = await load(null, view.signal);
        if (mine !== asked || !view.alive) return;
        if (!first.cursor) {
          list.replaceChildren(...first.items); // the whole list: what left it goes too
        } else {
          // The newest go on top; their old rows go, rows further down stay where they are.
          const fresh = new Set(first.items.map((li) => li.dataset.conversation));
          [...list.children].filter((li) => fresh.has(li.dataset.conversation)).forEach((li) => li.remove());
          list.prepend(...first.items);
        }
        draw([...list.children]);
      } catch (error) {
        // the next message tries again; what is shown stays
      }
    }, 250);
  };
  view.onCleanup(() => clearTimeout(timer));
  view.onCleanup(onLive("message", refresh));
  view.onCleanup(onLive("resync", refresh));
  view.onCleanup(
    onLive("direct", (counts) => {
      requestsLabel.textContent = counts.requests ? `Requests (${counts.requests})` : "Requests";
      const now = `${counts.unread}/${counts.requests}`;
      if (seen !== null && seen !== now) refresh();
      seen = now;
    }),
  );
}
