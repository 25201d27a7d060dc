// One conversation: messages newest last, older ones above on request, new ones appearing
// live. Each message is sent with an id of its own (clientId): a send that fails or times
// out can be retried as many times as needed and is still one message, and the copy that
// comes back on the live line takes the place of the one shown as sending, never beside it.
import { api, page } from "../api/client.js";
import { forgetKept, go, needSignIn, returnTo } from "../router.js";
import { session } from "../state/session.js";
import { onLive } from "../state/live.js";
import { blockButton, blockQuestion, isBlocked } from "../ui/block.js";
import { avatar, empty, enc, h, link } from "../ui/dom.js";
import { when } from "../ui/format.js";
import { toast } from "../ui/toast.js";

const MAX = 1000;

function clientId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16)); // (randomUUID needs https)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function bubble(message, me) {
  const mine = message.sender === me;
  const photo = message.photoUrl
    ? h("a", { href: message.photoUrl, target: "_blank", rel: "noopener", class: "dm-photo", "aria-label": "Open the photo" }, h("img", { src: message.photoThumbUrl || message.photoUrl, alt: "Photo" }))
    : null;
  return h(
    "li",
    { class: mine ? "mine" : "theirs", "data-id": message.messageId || "" },
    h("div", { class: "bubble" }, photo, message.text ? h("p", {}, message.text) : null),
    when(message.createdAt, { class: "when muted" }),
  );
}

export async function render(view, username) {
  if (needSignIn()) return;
  const me = session.me.username;
  const other = username.toLowerCase();
  if (other === me) {
    view.setTitle("Messages");
    view.container.append(empty("That's you", h("p", {}, "Messages go to someone else."), link("/direct", {}, "Your messages")));
    return;
  }
  if (!/^[a-z0-9._]{1,30}$/.test(other)) {
    view.setTitle("Not found");
    view.container.append(empty(`No one is called @${other}`, h("p", {}, "Check the spelling."), link("/direct", {}, "Your messages")));
    return;
  }
  const cid = [me, other].sort().join(":");
  const [user, blocked, entry] = await Promise.all([
    api("GET", `/api/users/${enc(other)}`, undefined, { signal: view.signal }).catch((error) => {
      if (error.status === 404) return null;
      throw error;
    }),
    isBlocked(other, view.signal).catch((error) => {
      if (error.status === 404 || error.status === 422) return false;
      throw error;
    }),
    api("GET", `/api/conversations/${enc(cid)}`, undefined, { signal: view.signal }).catch((error) => {
      if (error.status === 404) return null;
      throw error;
    }),
  ]);
  if (!user) {
    view.setTitle("Not found");
    view.container.append(empty(`No one is called @${other}`, h("p", {}, "Check the spelling."), link("/direct", {}, "Your messages")));
    return;
  }
  view.setTitle(`${user.name} · Messages`);

  const shown = new Map(); // messageId -> li
  const sending = new Map(); // clientId -> { li, settle }
  const list = h("ol", { class: "messages", "aria-label": `Messages with ${user.name}`, "aria-live": "polite" });
  const older = h("button", { type: "button", class: "more", hidden: true }, "Load older messages");
  const olderError = h("p", { class: "error", role: "alert" });
  let cursor = null;

  const nearBottom = () => window.innerHeight + window.scrollY >= document.body.scrollHeight - 120;
  const toBottom = () => requestAnimationFrame(() => window.scrollTo(0, document.body.scrollHeight));
  // Photos grow the page as they load, after it was scrolled to the newest message: while
  // the reader is at the bottom, the bottom is kept in view.
  let pinned = true;
  const onScroll = () => {
    pinned = nearBottom();
  };
  window.addEventListener("scroll", onScroll, { passive: true });
  view.onCleanup(() => window.removeEventListener("scroll", onScroll));
  list.addEventListener("load", () => pinned && toBottom(), true); // (load does not bubble)

  function place(message) {
    if (shown.has(message.messageId)) return false;
    const waiting = message.sender === me ? sending.get(message.clientId) : null;
    const li = bubble(message, me);
    shown.set(message.messageId, li);
    if (waiting) {
      sending.delete(message.clientId);
      waiting.li.replaceWith(li);
      return true;
    }
    // In order of id (the order sent), wherever it belongs among those shown.
    const after = [...list.children].reverse().find((el) => el.dataset.id && el.dataset.id < message.messageId);
    if (after) after.after(li);
    else list.prepend(li);
    return true;
  }

  async function loadOlder() {
    older.disabled = true;
    olderError.textContent = "";
    const height = document.body.scrollHeight;
    try {
      const result = await api("GET", page(`/api/conversations/${enc(cid)}/messages`, 30, cursor), undefined, { signal: view.signal });
      cursor = result.cursor;
      result.items.forEach(place);
      older.hidden = !cursor;
      window.scrollBy(0, document.body.scrollHeight - height); // what was in view stays there
    } catch (error) {
      if (error.name !== "AbortError") olderError.textContent = error.message;
    } finally {
      older.disabled = false;
    }
  }
  older.addEventListener("click", loadOlder);

  let reading = false;
  let owed = false; // a message came in that has not been marked read yet
  async function markRead() {
    owed = true;
    if (reading || document.visibilityState !== "visible" || !view.alive) return;
    reading = true;
    owed = false;
    try {
      await api("POST", `/api/conversations/${enc(cid)}/read`);
    } catch (error) {
      // the badge stays until the next try; nothing else depends on it
    } finally {
      reading = false;
    }
    if (owed) markRead(); // one more came in while this was on its way
  }

  // Requests: accept to answer in the inbox, decline to remove it.
  let folder = entry ? entry.folder : null;
  let banner = folder === "requests" ? requestBanner() : null;
  function requestBanner() {
    const accept = h("button", { type: "button", class: "primary" }, "Accept");
    const decline = h("button", { type: "button", class: "danger" }, "Decline");
    const block = h("button", { type: "button", class: "link danger" }, "Block");
    const box = h("div", { class: "request-banner", role: "region", "aria-label": "Message request" }, h("p", {}, `${user.name} wants to send you a message. Accept to move it to your inbox.`), h("div", { class: "row" }, accept, decline, block));
    const buttons = [accept, decline, block];
    const act = async (steps, done) => {
      buttons.forEach((b) => (b.disabled = true));
      try {
        for (const step of steps) await step();
        done();
      } catch (error) {
        toast(error.message);
        if (error.status === 404) return returnTo("/direct/requests"); // declined elsewhere
        buttons.forEach((b) => (b.disabled = false));
      }
    };
    const answer = (what) => () => api("POST", `/api/conversations/${enc(cid)}/${what}`);
    const toRequests = () => returnTo("/direct/requests");
    accept.addEventListener("click", () =>
      act([answer("accept")], () => {
        folder = "inbox";
        backTo(folder);
        box.remove();
      }),
    );
    decline.addEventListener("click", () => act([answer("decline")], toRequests));
    // Block: declined (it leaves Requests at once, whether or not declined elsewhere
    // meanwhile), then blocked.
    const declined = () => answer("decline")().catch((error) => {
      if (![404, 422].includes(error.status)) throw error; // (accepted meanwhile: 422)
    });
    block.addEventListener("click", () => {
      if (confirm(blockQuestion(other))) act([declined, () => api("PUT", `/api/me/blocked/${enc(other)}`), forgetKept], toRequests);
    });
    return box;
  }

  // Someone you blocked: no composer, but a way back.
  function blockedNote() {
    const unblock = blockButton(other, true, () => go(location.pathname, { replace: true }));
    return h("div", { class: "composer blocked-note" }, h("p", { class: "muted" }, `You blocked @${other}. Unblock them to send a message.`), unblock);
  }

  // The composer: Enter sends, Shift+Enter starts a new line; a photo can go with the text.
  const text = h("textarea", { name: "text", rows: "2", placeholder: "Message…", "aria-label": `Message ${user.name}` });
  const counter = h("span", { class: "counter muted", "aria-live": "polite" });
  text.addEventListener("input", () => {
    const length = [...text.value.trim()].length;
    counter.textContent = length > MAX - 100 ? `${length.toLocaleString()} / ${MAX.toLocaleString()}` : "";
    counter.classList.toggle("over", length > MAX);
    text.setCustomValidity(length > MAX ? `At most ${MAX.toLocaleString()} characters` : "");
  });
  const file = h("input", { type: "file", accept: "image/jpeg,image/png,image/webp", class: "visually-hidden", tabindex: "-1", "aria-label": "Choose a photo" });
  const attach = h("button", { type: "button", class: "attach", onclick: () => file.click() }, "Photo");
  const chosen = h("span", { class: "muted chosen" });
  const send = h("button", { type: "submit", class: "primary" }, "Send");
  const form = h("form", { class: "composer", "aria-label": "Write a message" }, text, h("div", { class: "row" }, file, attach, chosen, counter, send));
  file.addEventListener("change", () => {
    chosen.textContent = file.files.length ? file.files[0].name : "";
  });
  const touch = window.matchMedia("(pointer: coarse)").matches; // phones: Enter is a new line
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !touch) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = text.value.trim();
    const photo = file.files.length ? file.files[0] : null;
    if (!body && !photo) return;
    if ([...body].length > MAX) {
      text.reportValidity();
      return;
    }
    text.value = "";
    text.dispatchEvent(new Event("input"));
    file.value = "";
    chosen.textContent = "";
    deliver(body, photo, clientId());
    text.focus();
  });

  function deliver(body, photo, id) {
    const preview = photo ? URL.createObjectURL(photo) : null;
    const li = bubble({ sender: me, text: body, messageId: "", photoUrl: preview, photoThumbUrl: preview }, me);
    li.classList.add("sending");
    const shownPreview = li.querySelector(".dm-photo");
    shownPreview?.querySelector("img").addEventListener("error", () => shownPreview.replaceWith(h("p", { class: "muted" }, "This file cannot be shown")), { once: true });
    const status = h("span", { class: "when muted" }, photo ? "Sending photo…" : "Sending…");
    li.querySelector(".when").replaceWith(status);
    const done = () => preview && URL.revokeObjectURL(preview);
    sending.set(id, { li });
    list.append(li);
    toBottom();
    const attempt = async () => {
      status.textContent = photo ? "Sending photo…" : "Sending…";
      li.classList.remove("failed");
      try {
        let message;
        if (photo) {
          const data = new FormData();
          data.append("file", photo);
          data.append("clientId", id);
          if (body) data.append("text", body);
          message = await api("POST", `/api/users/${enc(other)}/messages/photo`, data);
        } else {
          message = await api("POST", `/api/users/${enc(other)}/messages`, { text: body, clientId: id });
        }
        place(message); // (or the live line was first: then it is in place already)
        done();
        folder = "inbox";
        backTo(folder);
        if (banner) banner.remove(); // answering a request accepted it
      } catch (error) {
        if (!sending.has(id)) return done(); // it arrived all the same
        li.classList.add("failed");
        const remove = h("button", { type: "button", class: "link" }, "Remove");
        remove.addEventListener("click", () => {
          sending.delete(id);
          li.remove();
          done();
        });
        // Refused for what it is (not an image, too long): trying again cannot help.
        const final = error.status >= 400 && error.status < 500 && ![408, 429].includes(error.status);
        const again = h("button", { type: "button", class: "link" }, "Try again");
        again.addEventListener("click", attempt, { once: true });
        status.replaceChildren(`Not sent: ${error.message} `, ...(final ? [] : [again, " · "]), remove);
      }
    };
    attempt();
  }

  // Back leads to the list this conversation is in.
  const back = link("/direct", { class: "back" }, "‹");
  const backTo = (where) => {
    back.setAttribute("href", where === "requests" ? "/direct/requests" : "/direct");
    back.setAttribute("aria-label", where === "requests" ? "Back to message requests" : "Back to messages");
  };
  backTo(folder);
  const head = h(
    "header",
    { class: "thread-head" },
    back,
    link(`/u/${enc(other)}`, { class: "who" }, avatar(user), h("span", { class: "stack-tight" }, h("strong", {}, user.name), h("span", { class: "muted" }, `@${other}`))),
  );
  view.container.append(
    ...[
      head,
      banner,
      h("div", { class: "pager" }, olderError, older),
      list,
      blocked ? blockedNote() : form,
    ].filter(Boolean),
  );

  const arrived = (message) => {
    if (message.conversationId !== cid) return;
    const stick = nearBottom();
    list.querySelectorAll(".hint").forEach((el) => el.remove());
    if (place(message) && message.sender !== me) {
      markRead();
      if (stick) toBottom();
      if (folder !== "inbox" && !banner?.isConnected) checkRequest(); // (once per request)
    }
  };
  // A first message (or one after a decline) may open a request while the page is open:
  // it gets its Accept and Decline here too.
  async function checkRequest() {
    try {
      const now = await api("GET", `/api/conversations/${enc(cid)}`, undefined, { signal: view.signal });
      folder = now.folder;
      if (folder === "requests" && !banner?.isConnected && view.alive) {
        banner = requestBanner();
        head.after(banner);
        backTo(folder);
      }
    } catch (error) {
      // the next message asks again
    }
  }
  view.onCleanup(onLive("message", arrived));
  // Away too long for the live line to catch up: read the newest page again.
  view.onCleanup(
    onLive("resync", async () => {
      try {
        const latest = await api("GET", page(`/api/conversations/${enc(cid)}/messages`, 30, null), undefined, { signal: view.signal });
        latest.items.forEach(arrived);
      } catch (error) {
        // the next live message tries again
      }
    }),
  );
  const first = await api("GET", page(`/api/conversations/${enc(cid)}/messages`, 30, null), undefined, { signal: view.signal });
  cursor = first.cursor;
  older.hidden = !cursor;
  first.items.forEach(place);
  if (!list.children.length && !blocked) list.append(h("li", { class: "hint muted" }, `Say hello to ${user.name}.`));
  toBottom();
  if (entry && entry.unread > 0) markRead();
  const visible = () => document.visibilityState === "visible" && owed && markRead();
  document.addEventListener("visibilitychange", visible);
  view.onCleanup(() => document.removeEventListener("visibilitychange", visible));
  if (!banner && !blocked) text.focus(); // (a request is answered with Accept or Decline first)
}
