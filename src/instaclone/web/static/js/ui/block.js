// Block and Unblock: blocking asks first and says what it does (the one blocked is not
// told); both are disabled while their request runs.
import { api } from "../api/client.js";
import { forgetKept } from "../router.js";
import { session } from "../state/session.js";
import { enc, h } from "./dom.js";
import { toast } from "./toast.js";

export const blockQuestion = (username) =>
  `Block @${username}? They won't be able to follow you or message you, and you will stop following each other. They won't be told.`;

// Whether you block them (null when signed out, or when it is you).
export async function isBlocked(username, signal) {
  const me = session.me;
  if (!me || me.username === username) return null;
  return (await api("GET", `/api/me/blocked/${enc(username)}`, undefined, { signal })).blocked;
}

// A button that blocks (asking first) or unblocks, then calls onChange(blocked).
export function blockButton(username, blocked, onChange = () => {}) {
  const button = h("button", { type: "button", class: blocked ? "" : "link danger" }, blocked ? "Unblock" : "Block");
  button.addEventListener("click", async () => {
    if (button.disabled) return;
    if (!blocked && !confirm(blockQuestion(username))) return;
    button.disabled = true;
    try {
      await api(blocked ? "DELETE" : "PUT", `/api/me/blocked/${enc(username)}`);
      forgetKept();
      onChange(!blocked);
    } catch (error) {
      toast(error.message);
      button.disabled = false;
    }
  });
  return button;
}
