export function ago(iso) {
  if (!iso) return "";
  const seconds = (Date.now() - new Date(iso).getTime()) / 1000;
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
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
