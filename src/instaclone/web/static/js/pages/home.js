// Home: the story tray (your story first, or a way to add one) and the feed, which loads
// more as you scroll and is kept when you open a photo, so Back returns to the same place.
import { api, page } from "../api/client.js";
import { go } from "../router.js";
import { session } from "../state/session.js";
import { avatar, empty, enc, h, link } from "../ui/dom.js";
import { pager } from "../ui/pager.js";
import { photoCard } from "../ui/photo-card.js";
import { isSeen } from "../ui/seen.js";

function tray(entries) {
  const me = session.me;
  const mine = entries.find((e) => e.username === me.username);
  const others = entries.filter((e) => e.username !== me.username);
  const order = others.map((e) => e.username).join(",");
  const ring = (e) => (isSeen(e.storyId) ? "seen" : true);
  return h(
    "section",
    { class: "card tray", "aria-label": "Stories" },
    mine
      ? link(`/stories/${enc(me.username)}`, { "aria-label": "Your story" }, avatar(me, false, ring(mine)), "Your story")
      : link("/upload?kind=story", { "aria-label": "Add to your story" }, h("span", { class: "add-story" }, avatar(me), h("span", { class: "plus", "aria-hidden": "true" }, "+")), "Add story"),
    others.map((e) =>
      link(`/stories/${enc(e.username)}?then=${enc(order)}`, { "aria-label": `Stories of ${e.username}`, class: isSeen(e.storyId) ? "seen" : "" }, avatar(e, false, ring(e)), e.username),
    ),
  );
}

export async function render(view) {
  if (!session.me) {
    view.setTitle("");
    view.container.append(
      empty(
        "Welcome to instaclone",
        h("p", {}, "Share photos and stories with the people who follow you."),
        h("p", {}, link("/signup", { class: "button primary" }, "Sign up"), " ", link("/login", { class: "button" }, "Log in")),
      ),
    );
    return;
  }
  view.setTitle("Home");
  view.keep = true;
  const [stories] = await Promise.all([api("GET", "/api/stories/tray?limit=50", undefined, { signal: view.signal })]);
  view.container.append(tray(stories.items), h("h1", {}, "Home"));
  // Back from a story: its ring turns "seen" on the kept page too.
  view.onResume(() => {
    for (const entry of stories.items) {
      if (!isSeen(entry.storyId)) continue;
      view.container.querySelectorAll(`.tray a[href^="/stories/${enc(entry.username)}"]`).forEach((a) => {
        a.classList.add("seen");
        a.querySelector(".avatar").classList.add("seen");
      });
    }
  });
  const feed = h("div", { id: "feed" });
  const { next, footer, watch } = pager(
    view,
    (cursor, signal) => api("GET", page("/api/feed", 10, cursor), undefined, { signal }).then((r) => ({ ...r, items: r.items.map(photoCard) })),
    feed,
  );
  const first = await next();
  if (!first.length && !footer.querySelector(".error").textContent) {
    const input = h("input", { type: "text", name: "username", required: true });
    view.container.append(
      empty(
        "Your feed is empty",
        h("p", {}, "Follow people to see their photos here, or share your own."),
        h(
          "form",
          { onsubmit: (e) => { e.preventDefault(); go(`/u/${enc(input.value.trim().toLowerCase())}`); } },
          h("label", {}, "Go to a profile", input),
          " ",
          h("button", { type: "submit" }, "Go"),
        ),
        h("p", {}, link("/upload", { class: "button primary" }, "Share a photo")),
      ),
    );
    return;
  }
  feed.append(...first);
  view.container.append(feed, footer);
  watch();
}
