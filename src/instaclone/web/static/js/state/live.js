// The page's live line to the server (server-sent events), while someone is signed in.
//
// One line for all of a browser's tabs: each holds an HTTP/1.1 connection for as long as it
// is open, and a browser allows 6 to one site, so a 7th tab could not even load. The tab
// holding a Web Lock opens the line and passes every event to the others on a
// BroadcastChannel; when it closes, the next tab takes the lock and opens the line again.
// (Where Web Locks are missing, as on plain http away from localhost, each tab has its own.)
//
// Counts (notifications, direct) carry the whole state they report; messages carry their
// id, which EventSource sends back by itself when it reconnects, and the server then sends
// what was missed first. A line opened anew (a new leader, or after the browser gave up on a
// server that answered with an error) asks for what came after the last message it knew,
// or after now: nothing is lost between two lines.
import { onSessionChange, session } from "./session.js";

const KINDS = ["notifications", "direct", "message", "resync"];
const STATES = new Set(["notifications", "direct"]); // the whole state, kept to hand on
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const listeners = new Map(); // event name -> Set of handlers
const latest = new Map();
const channel = "BroadcastChannel" in window ? new BroadcastChannel("instaclone-live") : null;
const shared = Boolean(channel && navigator.locks);
let source = null;
let user = null;
let lastMessage = "";
let retry = null;
let release = null; // lets go of the lock this tab holds

// Calls `handler` with each event of this kind; for a state (the counts) at once with the
// latest one too, so a page drawn later starts right. Returns the way to stop.
export function onLive(kind, handler) {
  if (!listeners.has(kind)) listeners.set(kind, new Set());
  listeners.get(kind).add(handler);
  if (latest.has(kind)) handler(latest.get(kind));
  return () => listeners.get(kind).delete(handler);
}

function dispatch(kind, data, id) {
  if (kind === "message" && id) lastMessage = id;
  if (STATES.has(kind)) latest.set(kind, data);
  (listeners.get(kind) || []).forEach((handler) => handler(data));
}

// The smallest message id of this moment (a ULID's first 10 characters are milliseconds).
function idAt(ms) {
  let text = "";
  for (let i = 0; i < 10; i++, ms = Math.floor(ms / 32)) text = CROCKFORD[ms % 32] + text;
  return text + "0".repeat(16);
}

function open() {
  const after = lastMessage || idAt(Date.now());
  const opened = new EventSource(`/api/me/events?after=${encodeURIComponent(after)}`);
  source = opened;
  for (const kind of KINDS) {
    opened.addEventListener(kind, (e) => {
      if (source !== opened) return;
      const data = JSON.parse(e.data);
      dispatch(kind, data, e.lastEventId);
      if (channel) channel.postMessage({ user, kind, data, id: e.lastEventId });
    });
  }
  opened.addEventListener("error", () => {
    if (opened.readyState !== EventSource.CLOSED || source !== opened) return;
    clearTimeout(retry);
    retry = setTimeout(() => source === opened && user && open(), 3000);
  });
}

if (channel) {
  channel.addEventListener("message", ({ data: m }) => {
    if (!m || m.user !== user) return;
    if (m.ask) {
      // a new tab asks for the counts: the tab with the line tells it
      if (source) latest.forEach((data, kind) => channel.postMessage({ user, kind, data }));
      return;
    }
    if (!source) dispatch(m.kind, m.data, m.id);
  });
}

function stop() {
  clearTimeout(retry);
  if (source) source.close();
  source = null;
  if (release) release();
  release = null;
}

function follow(me) {
  const name = me ? me.username : null;
  if (name === user) return;
  stop();
  user = name;
  lastMessage = "";
  latest.clear();
  if (!name) return;
  if (!shared) {
    open();
    return;
  }
  channel.postMessage({ user: name, ask: true });
  navigator.locks.request(`instaclone-live:${name}`, () =>
    new Promise((resolve) => {
      if (user !== name) return resolve(); // signed out (or in as someone else) meanwhile
      release = resolve;
      open();
    }),
  );
}

onSessionChange(follow);
follow(session.me);
