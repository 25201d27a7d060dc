import { h } from "./dom.js";

export function ago(iso) {
  if (!iso) return "";
  const seconds = (Date.now() - new Date(iso).getTime()) / 1000;
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

// A moment shown as "3 min ago" that stays true while the page is open (see keepTimesFresh);
// the exact date and time are its tooltip.
export function when(iso, attrs = {}) {
  if (!iso) return h("span", attrs);
  return h("time", { ...attrs, class: ["ago", attrs.class].filter(Boolean).join(" "), datetime: iso, title: new Date(iso).toLocaleString() }, ago(iso));
}

// Every shown time brought up to date: each half minute, and on coming back to the tab (a
// page left open since the morning must not say "just now").
export function keepTimesFresh() {
  const refresh = () => {
    for (const time of document.querySelectorAll("time.ago")) {
      const text = ago(time.dateTime);
      if (time.textContent !== text) time.textContent = text;
    }
  };
  setInterval(refresh, 30_000);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });
  // Back to a page kept from before: its times are as old as the page.
  window.addEventListener("popstate", () => setTimeout(refresh, 0));
}

export const plural = (n, one, many) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

// When a ULID (a message's id) was made, as an ISO date: its first 10 characters are the
// milliseconds, in Crockford's base 32.
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export function idTime(id) {
  let ms = 0;
  for (const c of (id || "").slice(0, 10).toUpperCase()) ms = ms * 32 + Math.max(CROCKFORD.indexOf(c), 0);
  return ms ? new Date(ms).toISOString() : "";
}
