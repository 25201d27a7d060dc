// The page's live line to the server (server-sent events): opened while someone is signed
// in, closed when they sign out. Counts (notifications, direct) carry the whole state they
// report; messages carry their id, which EventSource sends back by itself when it
// reconnects after a dropped connection, and the server then sends what was missed first.
// If the browser gives up (the server answered with an error while restarting), the line is
// opened again a little later with the last message id it had, so nothing is lost either.
import { onSessionChange, session } from "./session.js";

const KINDS = ["notifications", "direct", "message", "resync"];
const listeners = new Map(); // event name -> Set of handlers
let source = null;
let user = null;
let lastMessage = "";
let retry = null;

const STATES = new Set(["notifications", "direct"]); // the whole state, kept to hand on
const latest = new Map();

// Calls `handler` with each event of this kind; for a state (the counts) at once with the
// latest one too, so a page drawn later starts right. Returns the way to stop.
export function onLive(kind, handler) {
  if (!listeners.has(kind)) listeners.set(kind, new Set());
  listeners.get(kind).add(handler);
  if (latest.has(kind)) handler(latest.get(kind));
  return () => listeners.get(kind).delete(handler);
}

function open() {
  const opened = new EventSource(lastMessage ? `/api/me/events?after=${encodeURIComponent(lastMessage)}` : "/api/me/events");
  source = opened;
  for (const kind of KINDS) {
    opened.addEventListener(kind, (e) => {
      if (source !== opened) return;
      if (kind === "message" && e.lastEventId) lastMessage = e.lastEventId;
      const data = JSON.parse(e.data);
      if (STATES.has(kind)) latest.set(kind, data);
      (listeners.get(kind) || []).forEach((handler) => handler(data));
    });
  }
  opened.addEventListener("error", () => {
    if (opened.readyState !== EventSource.CLOSED || source !== opened) return;
    clearTimeout(retry);
    retry = setTimeout(() => source === opened && user && open(), 3000);
  });
}

function follow(me) {
  const name = me ? me.username : null;
  if (name === user) return;
  user = name;
  lastMessage = "";
  latest.clear();
  clearTimeout(retry);
  if (source) source.close();
  source = null;
  if (name) open();
}

onSessionChange(follow);
follow(session.me);
