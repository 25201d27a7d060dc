// Follow / Following (or Follow back, to someone who follows you): disabled while its
// request runs; unfollowing asks first. onStale: what to do when the server says the button
// was out of date (409: already so; 403: a block stands), e.g. draw the page afresh.
import { api } from "../api/client.js";
import { needSignIn } from "../router.js";
import { session } from "../state/session.js";
import { enc, h } from "./dom.js";
import { toast } from "./toast.js";

export function followButton(username, following, onChange = () => {}, { followsYou = false, onStale = null } = {}) {
  const button = h("button", { type: "button" });
  const show = () => {
    button.textContent = following ? "Following" : followsYou ? "Follow back" : "Follow";
    button.className = following ? "" : "primary";
    button.setAttribute("aria-pressed", String(following));
  };
  button.addEventListener("click", async () => {
    if (needSignIn() || button.disabled) return;
    if (following && !confirm(`Unfollow @${username}? Their posts will leave your feed.`)) return;
    button.disabled = true;
    try {
      await api(following ? "DELETE" : "PUT", `/api/users/${enc(session.me.username)}/following/${enc(username)}`);
      following = !following;
      show();
      onChange(following);
    } catch (error) {
      if (onStale && (error.status === 409 || error.status === 403)) {
        if (error.status === 403) toast(error.message);
        onStale();
      } else if (error.status === 409) {
        // It already was what the click asked for (changed in another tab, or ended by a
        // block): show the truth instead of an error.
        following = !following;
        show();
        onChange(following);
      } else toast(error.message);
    } finally {
      button.disabled = false;
    }
  });
  show();
  return button;
}

// How you stand with each of these usernames (following, followsYou, blocked), by
// username: one request for a whole list. Empty when signed out; yourself is left out.
export async function relations(usernames, signal) {
  const me = session.me;
  const others = [...new Set(usernames)].filter((u) => me && u !== me.username);
  if (!others.length) return new Map();
  const query = others.map((u) => `users=${enc(u)}`).join("&");
  const { items } = await api("GET", `/api/me/relations?${query}`, undefined, { signal });
  return new Map(items.map((r) => [r.username, r]));
}
