// A photo with its likes and comments: beside each other on a wide screen.
import { api, page } from "../api/client.js";
import { go } from "../router.js";
import { session } from "../state/session.js";
import { avatar, countedText, empty, enc, h, link } from "../ui/dom.js";
import { plural, when } from "../ui/format.js";
import { pager } from "../ui/pager.js";
import { altOf, captionOf, doubleTapToLike, likeControls, photoHref, photoPath, saveButton } from "../ui/photo-card.js";
import { richText } from "../ui/rich-text.js";
import { toast } from "../ui/toast.js";

// A button that runs `action` once at a time: disabled while it runs (no double posts).
function busyButton(attrs, label, action) {
  const button = h("button", { type: "button", ...attrs }, label);
  button.addEventListener("click", async () => {
    if (button.disabled) return;
    button.disabled = true;
    try {
      await action();
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

export async function render(view, owner, photoId) {
  let photo;
  try {
    photo = await api("GET", `/api/users/${enc(owner)}/photos/${enc(photoId)}`, undefined, { signal: view.signal });
  } catch (error) {
    if (error.status !== 404 && error.status !== 422) throw error;
    view.setTitle("Not found");
    view.container.append(empty("This photo isn't here", h("p", {}, "It may have been deleted, or the link is wrong."), link(`/u/${enc(owner)}`, {}, `See @${owner}'s profile`)));
    return;
  }
  view.setTitle(`Photo by @${photo.username}`, true);
  const me = session.me;
  const isOwner = me && me.username === photo.username;
  const likers = h("p", { class: "muted", id: "likers" });
  async function refreshLikers() {
    const result = await api("GET", `${photoPath(photo)}/likes?limit=3`, undefined, { signal: view.signal });
    likers.replaceChildren();
    if (!result.items.length) return likers.append("No likes yet.");
    likers.append("Liked by ");
    result.items.forEach((user, i) => likers.append(i ? ", " : "", link(`/u/${enc(user.username)}`, {}, user.username)));
    const others = likes.count() - result.items.length;
    if (others > 0) likers.append(" and ", link(`${photoHref(photo)}/likes`, {}, plural(others, "other", "others")));
    else if (result.cursor) likers.append(" · ", link(`${photoHref(photo)}/likes`, {}, "everyone"));
  }
  const likes = likeControls(photo, () => refreshLikers().catch(() => {}));
  likes.count = () => Number(likes.element.querySelector(".count").textContent.replace(/\D/g, "")) || 0;

  const comments = h("ul", { class: "comments", "aria-label": "Comments" });
  let total = photo.commentCount;
  const heading = h("h2", {}, plural(total, "comment", "comments"));
  const setTotal = (n) => {
    total = n;
    heading.textContent = plural(n, "comment", "comments");
  };

  function commentItem(comment) {
    const author = comment.commentingUsername;
    const body = h("span", { class: "body" }, richText(comment.content, comment.mentions));
    const li = h("li", {}, avatar(comment.user || author), link(`/u/${enc(author)}`, {}, h("strong", {}, author)), body, when(comment.createdAt, { class: "muted" }));
    const path = `${photoPath(photo)}/comments/${enc(comment.commentId)}`;
    if (me && me.username === author) {
      li.append(
        h("button", {
          class: "link", type: "button", "aria-label": `Edit comment by ${author}`,
          onclick: () => {
            const { field, text } = countedText("Edit comment", { name: "content", required: true, value: comment.content });
            const save = h("button", { type: "submit", class: "primary" }, "Save");
            const form = h(
              "form",
              {
                class: "body",
                onsubmit: async (e) => {
                  e.preventDefault();
                  if (save.disabled) return;
                  save.disabled = true;
                  try {
                    const updated = await api("PATCH", path, { content: text.value });
                    comment.content = updated.content;
                    body.replaceChildren(...richText(updated.content, updated.mentions));
                    form.replaceWith(body);
                  } catch (error) {
                    toast(error.message);
                  } finally {
                    save.disabled = false;
                  }
                },
              },
              field,
              save,
              " ",
              h("button", { type: "button", onclick: () => form.replaceWith(body) }, "Cancel"),
            );
            body.replaceWith(form);
            text.focus();
          },
        }, "Edit"),
      );
    }
    if (me && (me.username === author || isOwner)) {
      li.append(
        busyButton({ class: "link danger", "aria-label": `Delete comment by ${author}` }, "Delete", async () => {
          if (!confirm("Delete this comment?")) return;
          try {
            await api("DELETE", path);
            li.remove();
            setTotal(total - 1);
          } catch (error) {
            toast(error.message);
          }
        }),
      );
    }
    return li;
  }

  const { next, footer, watch } = pager(
    view,
    (cursor, signal) => api("GET", page(`${photoPath(photo)}/comments`, 20, cursor), undefined, { signal }).then((r) => ({ ...r, items: r.items.map(commentItem) })),
    comments,
    { label: "More comments" },
  );
  comments.append(...(await next()));

  let addForm = h("p", { class: "muted" }, link(`/login?next=${enc(location.pathname)}`, {}, "Log in"), " to comment.");
  if (me) {
    const { field, text } = countedText("Add a comment", { name: "content", required: true });
    const post = h("button", { type: "submit", class: "primary" }, "Post");
    addForm = h(
      "form",
      {
        class: "stack",
        onsubmit: async (e) => {
          e.preventDefault();
          if (post.disabled) return; // a double click posts once
          post.disabled = true;
          try {
            const created = await api("POST", `${photoPath(photo)}/comments`, { content: text.value });
            comments.append(commentItem(created));
            setTotal(total + 1);
            text.value = "";
            text.dispatchEvent(new Event("input"));
          } catch (error) {
            toast(error.message);
          } finally {
            post.disabled = false;
          }
        },
      },
      field,
      post,
    );
  }

  const remove = isOwner
    ? busyButton({ class: "danger" }, "Delete photo", async () => {
        if (!confirm("Delete this photo, its likes and its comments?")) return;
        try {
          await api("DELETE", photoPath(photo));
          toast("Photo deleted");
          go(`/u/${enc(photo.username)}`, { replace: true });
        } catch (error) {
          toast(error.message);
        }
      })
    : null;

  // The caption, and for its owner a way to edit it (its tags follow).
  const caption = h("div", { id: "caption-box" });
  function showCaption() {
    const shown = photo.caption ? captionOf(photo) : null;
    if (shown) shown.id = "caption";
    const edit = isOwner
      ? h("button", { class: "link", type: "button", onclick: editCaption }, photo.caption ? "Edit caption" : "Add a caption")
      : null;
    caption.replaceChildren(...[shown, edit].filter(Boolean));
  }
  function editCaption() {
    const { field, text } = countedText("Caption", { name: "caption", value: photo.caption || "" });
    const save = h("button", { type: "submit", class: "primary" }, "Save");
    const form = h(
      "form",
      {
        class: "edit-caption",
        onsubmit: async (e) => {
          e.preventDefault();
          if (save.disabled) return;
          save.disabled = true;
          try {
            photo = { ...photo, ...(await api("PATCH", photoPath(photo), { caption: text.value })) };
            showCaption();
          } catch (error) {
            toast(error.message);
          } finally {
            save.disabled = false;
          }
        },
      },
      field,
      save,
      " ",
      h("button", { type: "button", onclick: showCaption }, "Cancel"),
    );
    caption.replaceChildren(form);
    text.focus();
  }
  showCaption();

  const frame = h("div", { class: "frame" }, h("img", { class: "photo-img", src: photo.url, alt: altOf(photo) }));
  doubleTapToLike(frame, likes.like);
  view.container.append(
    h(
      "article",
      { class: "card photo-page" },
      frame,
      h(
        "div",
        { class: "side" },
        h("div", { class: "card-head" }, avatar(photo.user || photo.username), link(`/u/${enc(photo.username)}`, {}, h("strong", {}, photo.username)), when(photo.createdAt, { class: "muted" })),
        h(
          "div",
          { class: "card-body" },
          h("div", { class: "actions-row" }, likes.element, saveButton(photo)),
          likers,
          caption,
          heading,
          comments,
          footer,
          addForm,
          remove,
        ),
      ),
    ),
  );
  watch();
  await refreshLikers();
}
