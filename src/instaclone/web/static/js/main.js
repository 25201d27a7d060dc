// instaclone's web app: ES modules over the JSON API, no framework, no build step, nothing
// from the internet. This file boots it: who is signed in, the header, the router.
import { api, whenSignedOut } from "./api/client.js";
import { go, start } from "./router.js";
import { onSessionChange, session, setMe } from "./state/session.js";
import { avatar, enc, h, link } from "./ui/dom.js";
import { keepTimesFresh } from "./ui/format.js";
import { headerSearch } from "./ui/search-box.js";
import { onLive } from "./state/live.js";

const nav = document.getElementById("nav");
keepTimesFresh();
// The search box lives in the header for the whole visit (phones get a Search link).
document.querySelector(".top .brand").after(headerSearch());

// The heart with the unread count, kept up to date by the live line.
let unread = 0;
const badge = h("span", { class: "badge", hidden: true });
const activityLabel = () => (unread ? `Activity, ${unread} new` : "Activity");
function activityLink() {
  const a = link("/activity", { class: "activity-link", "aria-label": activityLabel() }, h("span", { "aria-hidden": "true" }, "♡"), badge);
  return a;
}
onLive("notifications", (data) => {
  unread = data.unread;
  badge.textContent = unread > 99 ? "99+" : String(unread);
  badge.hidden = !unread;
  const a = badge.closest("a");
  if (a) a.setAttribute("aria-label", activityLabel());
});

// The paper plane with unread messages and waiting requests, likewise.
let direct = 0;
const directBadge = h("span", { class: "badge", hidden: true });
const directLabel = () => (direct ? `Messages, ${direct} new` : "Messages");
onLive("direct", (counts) => {
  direct = counts.unread + counts.requests;
  directBadge.textContent = direct > 99 ? "99+" : String(direct);
  directBadge.hidden = !direct;
  const a = directBadge.closest("a");
  if (a) a.setAttribute("aria-label", directLabel());
});

function renderNav() {
  const me = session.me;
  if (me) {
    nav.replaceChildren(
      link("/", {}, "Home"),
      link("/search", { class: "search-link", "aria-label": "Search" }, "Search"),
      link("/explore", {}, "Explore"),
      link("/upload", {}, "New post"),
      activityLink(),
      link("/direct", { class: "direct-link", "aria-label": directLabel() }, h("span", { "aria-hidden": "true" }, "✉"), directBadge),
      link(`/u/${enc(me.username)}`, { "aria-label": "Your profile", class: "me" }, avatar(me), h("span", { class: "nav-name" }, `@${me.username}`)),
      h("button", { class: "link logout", type: "button", onclick: logOut }, "Log out"),
    );
    nav.classList.add("tabbar");
  } else {
    nav.classList.remove("tabbar");
    nav.replaceChildren(link("/search", { class: "search-link", "aria-label": "Search" }, "Search"), link("/login", {}, "Log in"), link("/signup", { class: "button primary" }, "Sign up"));
  }
}

export async function logOut() {
  try {
    await api("DELETE", "/api/sessions/current");
  } catch (error) {
    // signed out already
  }
  setMe(null);
  go("/login");
}

onSessionChange(renderNav);
whenSignedOut(() => {
  if (!session.me) return;
  setMe(null);
  go(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
});

(async function boot() {
  try {
    // 200 whether or not someone is signed in: no 401 in the console on every visit.
    setMe((await api("GET", "/api/session")).user);
  } catch (error) {
    setMe(null);
  }
  await start();
})();
