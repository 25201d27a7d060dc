// A photo as a card (feed) and the like button it shares with the photo page.
import { api } from "../api/client.js";
import { go, needSignIn } from "../router.js";
import { session } from "../state/session.js";
import { avatar, enc, h, link } from "./dom.js";
import { plural, when } from "./format.js";
import { richText } from "./rich-text.js";
import { toast } from "./toast.js";

export const photoPath = (photo) => `/api/users/${enc(photo.username)}/photos/${enc(photo.photoId)}`;
export const photoHref = (photo) => `/p/${enc(photo.username)}/${enc(photo.photoId)}`;
export const altOf = (photo) => (photo.caption ? `Photo by ${photo.username}: ${photo.caption}` : `Photo by ${photo.username}`);

// The like button: disabled while its request runs (a double click is one like), the
// count follows; `like()` likes (never unlikes), for a double tap on the photo.
export function likeControls(photo, afterChange) {
  let liked = false;
  let busy = false;
  let count = photo.likesCount;
  const countEl = h("span", { class: "count" }, plural(count, "like", "likes"));
  const button = h("button", { class: "like", type: "button", "aria-pressed": "false", "aria-label": "Like" }, "♡");
  const show = () => {
    button.setAttribute("aria-pressed", String(liked));
    button.setAttribute("aria-label", liked ? "Unlike" : "Like");
    button.textContent = liked ? "♥" : "♡";
    countEl.textContent = plural(count, "like", "likes");
  };
  async function toggle(want) {
    // Busy, not disabled: a disabled button would drop the keyboard focus to the page.
    if (needSignIn() || busy || want === liked) return;
    busy = true;
    button.setAttribute("aria-busy", "true");
    const path = `${photoPath(photo)}/likes/${enc(session.me.username)}`;
    try {
      await api(liked ? "DELETE" : "PUT", path);
      count += liked ? -1 : 1;
      liked = !liked;
      show();
      if (afterChange) afterChange();
    } catch (error) {
      toast(error.status === 409 ? "You already liked this." : error.message);
    } finally {
      busy = false;
      button.removeAttribute("aria-busy");
    }
  }
  button.addEventListener("click", () => toggle(!liked));
  if (session.me && typeof photo.likedByMe === "boolean") {
    liked = photo.likedByMe; // the feed says it for the whole page at once
    show();
  } else if (session.me) {
    api("GET", `${photoPath(photo)}/likes/${enc(session.me.username)}`).then((r) => {
      liked = r.liked;
      show();
    }, () => {});
  }
  return { element: h("div", { class: "actions" }, button, countEl), like: () => toggle(true) };
}

// The bookmark: saves the photo to your (private) Saved list, or takes it out; disabled
// while its request runs, so a double click is one save.
export function saveButton(photo) {
  let saved = false;
  let busy = false;
  const button = h("button", { class: "save", type: "button", "aria-pressed": "false", "aria-label": "Add to saved" }, "☆");
  const show = () => {
    button.setAttribute("aria-pressed", String(saved));
    button.setAttribute("aria-label", saved ? "Remove from saved" : "Add to saved");
    button.title = saved ? "Saved: click to remove" : "Add to saved";
    button.textContent = saved ? "★" : "☆";
  };
  button.addEventListener("click", async () => {
    if (needSignIn() || busy) return;
    busy = true;
    button.setAttribute("aria-busy", "true");
    try {
      await api(saved ? "DELETE" : "PUT", `${photoPath(photo)}/saved`);
      saved = !saved;
      show();
      toast(saved ? "Saved. Find it under Saved on your profile." : "Removed from saved");
    } catch (error) {
      toast(error.message);
    } finally {
      busy = false;
      button.removeAttribute("aria-busy");
    }
  });
  if (session.me && typeof photo.savedByMe === "boolean") {
    saved = photo.savedByMe;
    show();
  } else if (session.me) {
    api("GET", `${photoPath(photo)}/saved`).then((r) => {
      saved = r.saved;
      show();
    }, () => {});
  }
  return button;
}

export function captionOf(photo) {
  return h("p", { class: "caption" }, link(`/u/${enc(photo.username)}`, {}, h("strong", {}, photo.username)), " ", richText(photo.caption, photo.mentions));
}

// Two taps (or clicks) in quick succession on a photo like it, with a heart, as people
// expect. On a card the photo also opens its page: a single tap does, once it is clear no
// second one follows (keyboard activation opens at once).
export function doubleTapToLike(frame, like, href = null) {
  const heart = h("span", { class: "burst", "aria-hidden": "true" }, "♥");
  frame.append(heart);
  let pending = null;
  frame.addEventListener("click", (e) => {
    if (e.detail === 0) return; // Enter on the link: the router opens it
    e.preventDefault();
    e.stopPropagation();
    if (pending) {
      clearTimeout(pending);
      pending = null;
      heart.classList.remove("go");
      void heart.offsetWidth; // restart the animation
      heart.classList.add("go");
      like();
    } else {
      pending = setTimeout(() => {
        pending = null;
        if (href && frame.isConnected) go(href);
      }, 300);
    }
  });
}

export function photoCard(photo) {
  const href = photoHref(photo);
  const likes = likeControls(photo);
  const frame = h("div", { class: "frame" }, link(href, { "aria-label": `Open ${altOf(photo)}` }, h("img", { class: "photo-img", src: photo.url, alt: altOf(photo), loading: "lazy" })));
  doubleTapToLike(frame, likes.like, href);
  return h(
    "article",
    { class: "card" },
    h("div", { class: "card-head" }, avatar(photo.user || photo.username), link(`/u/${enc(photo.username)}`, {}, h("strong", {}, photo.username)), when(photo.createdAt, { class: "muted" })),
    frame,
    h(
      "div",
      { class: "card-body" },
      h("div", { class: "actions-row" }, likes.element, saveButton(photo)),
      photo.caption ? captionOf(photo) : null,
      link(href, { class: "muted" }, photo.commentCount ? `View ${plural(photo.commentCount, "comment", "comments")}` : "Add a comment"),
    ),
  );
}
