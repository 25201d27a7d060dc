// Stories this browser has watched, so a ring turns grey once seen (kept on this device).
const KEY = "instaclone.seenStories";

function load() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || "{}");
  } catch (e) {
    return {};
  }
}

export function markSeen(storyId) {
  const seen = load();
  seen[storyId] = Date.now();
  const entries = Object.entries(seen).sort((a, b) => b[1] - a[1]).slice(0, 500);
  localStorage.setItem(KEY, JSON.stringify(Object.fromEntries(entries)));
}

export const isSeen = (storyId) => Boolean(load()[storyId]);
