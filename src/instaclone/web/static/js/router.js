// Pages by path, loaded as modules when first visited. Each visit is a "view": its own
// container, an AbortSignal for its requests, and clean-ups for its timers and listeners,
// all ended when the reader leaves; so a page left half-loaded never draws over the next
// one, and a story left after one second records nothing more. A page that opts in
// (`view.keep = true`) is kept when left and put back as it was, scroll position included,
// when the reader comes back with Back.
import { h, link, empty } from "./ui/dom.js";
import { session } from "./state/session.js";

const routes = [
  [/^\/$/, "home"],
  [/^\/login$/, "login"],
  [/^\/signup$/, "signup"],
  [/^\/upload$/, "upload"],
  [/^\/u\/([^/]+)$/, "profile"],
  [/^\/u\/([^/]+)\/(saved)$/, "profile"],
  [/^\/search$/, "search"],
  [/^\/explore$/, "explore"],
  [/^\/tags\/([^/]+)$/, "tag"],
  [/^\/settings$/, "settings"],
  [/^\/settings\/blocked$/, "blocked"],
  [/^\/activity$/, "activity"],
  [/^\/direct$/, "direct"],
  [/^\/direct\/(requests)$/, "direct"],
  [/^\/direct\/t\/([^/]+)$/, "thread"],
  [/^\/u\/([^/]+)\/(followers|following)$/, "people"],
  [/^\/p\/([^/]+)\/([^/]+)$/, "photo"],
  [/^\/p\/([^/]+)\/([^/]+)\/likes$/, "likers"],
  [/^\/stories\/([^/]+)$/, "stories"],
];

const main = document.getElementById("main");
const kept = new Map(); // history key -> { view, scrollY }
let current = null;
let counter = 0;

function key() {
  if (!history.state || !history.state.key) {
    history.replaceState({ ...(history.state || {}), key: `k${Date.now()}${counter++}` }, "");
  }
  return history.state.key;
}

class View {
  constructor(path) {
    this.path = path;
    this.container = h("div", { class: "view" });
    this.controller = new AbortController();
    this.signal = this.controller.signal;
    this.cleanups = [];
    this.resumes = [];
    this.keep = false;
    this.wide = false;
    this.title = "";
  }
  get alive() {
    return current === this;
  }
  onCleanup(fn) {
    this.cleanups.push(fn);
  }
  onResume(fn) {
    this.resumes.push(fn);
  }
  setTitle(title, wide = false) {
    this.title = title;
    this.wide = wide;
    if (this.alive) show(this);
  }
  leave() {
    this.controller.abort();
    this.cleanups.splice(0).forEach((fn) => fn());
  }
  resume() {
    this.controller = new AbortController();
    this.signal = this.controller.signal;
    this.resumes.forEach((fn) => fn());
  }
}

// After a change that shows on many pages at once (a block), kept pages would tell the old
// story on Back: they are drawn afresh instead.
export function forgetKept() {
  kept.clear();
}

function show(view) {
  document.title = view.title ? `${view.title} · instaclone` : "instaclone";
  main.className = view.wide ? "wide" : "";
}

function leaveCurrent() {
  if (!current) return;
  if (current.keep) {
    kept.set(current.key, { view: current, scrollY: window.scrollY });
    if (kept.size > 10) kept.delete(kept.keys().next().value); // the oldest goes
  }
  current.leave();
}

export async function render({ restore = false } = {}) {
  const path = location.pathname;
  const historyKey = key();
  leaveCurrent();
  const saved = restore ? kept.get(historyKey) : null;
  if (saved) {
    current = saved.view;
    current.key = historyKey;
    main.replaceChildren(current.container);
    show(current);
    current.resume();
    requestAnimationFrame(() => window.scrollTo(0, saved.scrollY));
    return;
  }
  const view = new View(path);
  view.key = historyKey;
  current = view;
  main.replaceChildren(view.container);
  document.body.classList.add("loading");
  try {
    for (const [pattern, name] of routes) {
      const match = path.match(pattern);
      if (!match) continue;
      let module;
      try {
        module = await import(`./pages/${name}.js`);
      } catch (error) {
        // The page's code could not be fetched (offline): say so, and offer to try again.
        if (!view.alive) return;
        view.setTitle("Offline");
        const retry = h("button", { type: "button", class: "primary", onclick: () => render() }, "Try again");
        view.container.append(empty("Can't reach instaclone", h("p", {}, "Check your connection, then try again."), retry));
        return;
      }
      if (!view.alive) return;
      await module.render(view, ...match.slice(1).map(decodeURIComponent));
      return;
    }
    view.setTitle("Not found");
    view.container.append(empty("Page not found", h("p", {}, "There is nothing at this address."), link("/", {}, "Go home")));
  } catch (error) {
    if (error.name === "AbortError" || !view.alive) return;
    view.setTitle("Error");
    view.container.replaceChildren(
      empty(error.status === 404 ? "Not found" : "Something went wrong", h("p", {}, error.message), link("/", {}, "Go home")),
    );
  } finally {
    if (view.alive) {
      document.body.classList.remove("loading");
      show(view);
    }
  }
}

export function go(path, { replace = false } = {}) {
  leaveCurrent();
  current = null;
  // fromApp: this entry was reached inside the app, so Back leads somewhere of ours.
  const fromApp = replace ? Boolean(history.state && history.state.fromApp) : true;
  // from: the entry before this one (its address and key), for returnTo.
  const from = replace
    ? (history.state && history.state.from) || null
    : { path: location.pathname + location.search, key: history.state && history.state.key };
  const state = { key: `k${Date.now()}${counter++}`, fromApp, from };
  if (replace) history.replaceState(state, "", path);
  else history.pushState(state, "", path);
  window.scrollTo(0, 0);
  // Focus moves to the new page, unless the reader (or the page) has put it somewhere while
  // the page loaded: a quick Tab, or a click into the search box to look for someone else.
  let placed = false;
  const note = () => { placed = true; };
  document.addEventListener("focusin", note);
  return render().then(() => {
    document.removeEventListener("focusin", note);
    const at = document.activeElement;
    if (!placed || !at || at === document.body) main.focus({ preventScroll: true });
  });
}

// Leave this page for `path`, drawn afresh: by Back when the entry before is that page (so
// history holds it once, not twice, as after declining a request opened from Requests),
// else in place of this entry.
export function returnTo(path) {
  const from = history.state && history.state.from;
  if (from && from.path === path) {
    if (current) current.keep = false; // (nor is this page kept, for Forward)
    kept.delete(from.key);
    history.back();
  } else go(path, { replace: true });
}

// Pages that need a session send the reader to log in, and back here afterwards.
export function needSignIn() {
  if (session.me) return false;
  go(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
  return true;
}

export function start() {
  history.scrollRestoration = "manual";
  document.addEventListener("click", (event) => {
    const a = event.target.closest("a[data-link]");
    if (!a || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    go(a.getAttribute("href"));
  });
  window.addEventListener("popstate", () => render({ restore: true }));
  return render();
}
