// The page's live line to the server (server-sent events): opened while someone is signed
// in, closed when they sign out. EventSource reconnects by itself after a dropped
// connection, and each event carries the whole state it reports, so nothing is lost.
import { onSessionChange, session } from "./session.js";

const listeners = new Map(); // event name -> Set of handlers
let source = null;
let user = null;

export function onLive(kind, handler) {
  if (!listeners.has(kind)) listeners.set(kind, new Set());
  listeners.get(kind).add(handler);
  return () => listeners.get(kind).delete(handler);
}

function open() {
  source = new EventSource("/api/me/events");
  for (const kind of ["notifications"]) {
    source.addEventListener(kind, (e) => {
      const data = JSON.parse(e.data);
      (listeners.get(kind) || []).forEach((handler) => handler(data));
    });
  }
}

function follow(me) {
  const name = me ? me.username : null;
  if (name === user) return;
  user = name;
  if (source) source.close();
  source = null;
  if (name) open();
}

onSessionChange(follow);
follow(session.me);
