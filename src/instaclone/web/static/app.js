// instaclone's web app: one page over the JSON API, no framework, no build step.
// Every piece of user content is put in the page as text (never as HTML), so a caption
// like <script> shows as those characters; the server's Content-Security-Policy is the
// second line of defence.
"use strict";

const $main = document.getElementById("main");
const $nav = document.getElementById("nav");
const $toast = document.getElementById("toast");
let me = null; // the signed-in user, or null

// -- small helpers -----------------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const link = (href, attrs, ...children) => h("a", { href, "data-link": true, ...attrs }, ...children);
const enc = encodeURIComponent;

function cookie(name) {
  const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

async function api(method, path, body) {
  const options = { method, headers: {}, credentials: "same-origin" };
  if (method !== "GET") options.headers["X-CSRF-Token"] = cookie("csrf");
  if (body instanceof FormData) options.body = body;
  else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error((data.error && data.error.message) || response.statusText);
    error.status = response.status;
    error.code = data.error && data.error.code;
    throw error;
  }
  return data;
}

function toast(message) {
  $toast.textContent = message;
  $toast.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => $toast.classList.remove("show"), 3000);
}

function avatar(username, big = false, ring = false) {
  const initials = username.replace(/[^a-z0-9]/gi, "").slice(0, 2) || "?";
  return h("span", { class: `avatar${big ? " big" : ""}${ring ? " ring" : ""}`, "aria-hidden": "true" }, initials);
}

function ago(iso) {
  if (!iso) return "";
  const seconds = (Date.now() - new Date(iso).getTime()) / 1000;
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

function page(title, wide = false) {
  document.title = title ? `${title} · instaclone` : "instaclone";
  $main.className = wide ? "wide" : "";
  $main.replaceChildren();
}

function empty(title, ...rest) {
  return h("div", { class: "empty" }, h("h2", {}, title), ...rest);
}

function needSignIn() {
  if (me) return false;
  go("/login");
  return true;
}

// -- navigation ----------------------------------------------------------------------------

function renderNav() {
  if (me) {
    $nav.replaceChildren(
      link("/", {}, "Home"),
      link("/upload", {}, "New post"),
      link(`/u/${enc(me.username)}`, { "aria-label": "Your profile", class: "me" }, avatar(me.username), h("span", { class: "nav-name" }, `@${me.username}`)),
      h("button", { class: "link", type: "button", onclick: logOut }, "Log out"),
    );
  } else {
    $nav.replaceChildren(link("/login", {}, "Log in"), link("/signup", { class: "button primary" }, "Sign up"));
  }
}

async function logOut() {
  try {
    await api("DELETE", "/api/sessions/current");
  } catch (error) {
    // already signed out
  }
  me = null;
  renderNav();
  go("/login");
}

const routes = [
  [/^\/$/, home],
  [/^\/login$/, logIn],
  [/^\/signup$/, signUp],
  [/^\/upload$/, upload],
  [/^\/u\/([^/]+)$/, profile],
  [/^\/u\/([^/]+)\/(followers|following)$/, people],
  [/^\/p\/([^/]+)\/([^/]+)$/, photoPage],
  [/^\/stories\/([^/]+)$/, storiesPage],
];

async function render() {
  const path = location.pathname;
  for (const [pattern, view] of routes) {
    const match = path.match(pattern);
    if (!match) continue;
    try {
      await view(...match.slice(1).map(decodeURIComponent));
    } catch (error) {
      page("Error");
      $main.append(empty(error.status === 404 ? "Not found" : "Something went wrong", h("p", {}, error.message)));
    }
    return;
  }
  page("Not found");
  $main.append(empty("Page not found", link("/", {}, "Go home")));
}

function go(path) {
  history.pushState(null, "", path);
  render().then(() => $main.focus({ preventScroll: true }));
  window.scrollTo(0, 0);
}

document.addEventListener("click", (event) => {
  const a = event.target.closest("a[data-link]");
  if (!a || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  go(a.getAttribute("href"));
});
window.addEventListener("popstate", render);

// -- accounts ------------------------------------------------------------------------------

function authForm(title, fields, submitLabel, onSubmit, footer) {
  const error = h("p", { class: "error", role: "alert" });
  const button = h("button", { class: "primary", type: "submit" }, submitLabel);
  const form = h(
    "form",
    {
      class: "stack",
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        error.textContent = "";
        try {
          await onSubmit(new FormData(form));
        } catch (e) {
          error.textContent = e.message;
        } finally {
          button.disabled = false;
        }
      },
    },
    h("h1", {}, title),
    fields,
    error,
    button,
    footer,
  );
  return form;
}

const field = (label, attrs) => h("label", {}, label, h("input", { type: "text", required: true, ...attrs }));

async function signUp() {
  page("Sign up");
  $main.append(
    authForm(
      "Create your account",
      [
        field("Username", { name: "username", autocomplete: "username", maxlength: 30, pattern: "[A-Za-z0-9._]{1,30}", title: "Letters, digits, dots and underscores" }),
        field("Name", { name: "name", autocomplete: "name", maxlength: 100 }),
        field("Password", { name: "password", type: "password", autocomplete: "new-password", minlength: 8 }),
      ],
      "Sign up",
      async (data) => {
        const result = await api("POST", "/api/accounts", Object.fromEntries(data));
        me = result.user;
        renderNav();
        go("/");
      },
      h("p", { class: "muted" }, "Have an account? ", link("/login", {}, "Log in")),
    ),
  );
}

async function logIn() {
  page("Log in");
  $main.append(
    authForm(
      "Log in",
      [
        field("Username", { name: "username", autocomplete: "username" }),
        field("Password", { name: "password", type: "password", autocomplete: "current-password" }),
      ],
      "Log in",
      async (data) => {
        const result = await api("POST", "/api/sessions", Object.fromEntries(data));
        me = result.user;
        renderNav();
        go("/");
      },
      h("p", { class: "muted" }, "New here? ", link("/signup", {}, "Create an account")),
    ),
  );
}

// -- photos --------------------------------------------------------------------------------

const photoPath = (photo) => `/api/users/${enc(photo.username)}/photos/${enc(photo.photoId)}`;
const altOf = (photo) => (photo.caption ? `Photo by ${photo.username}: ${photo.caption}` : `Photo by ${photo.username}`);

function likeControls(photo, afterChange) {
  let liked = false;
  let count = photo.likesCount;
  const countEl = h("span", { class: "count" }, plural(count, "like", "likes"));
  const button = h("button", { class: "like", type: "button", "aria-pressed": "false", "aria-label": "Like" }, "♡");
  const show = () => {
    button.setAttribute("aria-pressed", String(liked));
    button.setAttribute("aria-label", liked ? "Unlike" : "Like");
    button.textContent = liked ? "♥" : "♡";
    countEl.textContent = plural(count, "like", "likes");
  };
  button.addEventListener("click", async () => {
    if (needSignIn()) return;
    button.disabled = true;
    const path = `${photoPath(photo)}/likes/${enc(me.username)}`;
    try {
      await api(liked ? "DELETE" : "PUT", path);
      count += liked ? -1 : 1;
      liked = !liked;
      show();
      if (afterChange) afterChange();
    } catch (error) {
      toast(error.message);
    } finally {
      button.disabled = false;
    }
  });
  if (me && typeof photo.likedByMe === "boolean") {
    liked = photo.likedByMe; // the feed says it for the whole page at once
    show();
  } else if (me) {
    api("GET", `${photoPath(photo)}/likes/${enc(me.username)}`).then((r) => {
      liked = r.liked;
      show();
    });
  }
  return h("div", { class: "actions" }, button, countEl);
}

function photoCard(photo) {
  const href = `/p/${enc(photo.username)}/${enc(photo.photoId)}`;
  return h(
    "article",
    { class: "card" },
    h("div", { class: "card-head" }, avatar(photo.username), link(`/u/${enc(photo.username)}`, {}, h("strong", {}, photo.username)), h("span", { class: "muted" }, ago(photo.createdAt))),
    link(href, { "aria-label": `Open ${altOf(photo)}` }, h("img", { class: "photo-img", src: photo.url, alt: altOf(photo), loading: "lazy" })),
    h(
      "div",
      { class: "card-body" },
      likeControls(photo),
      photo.caption ? h("p", {}, h("strong", {}, photo.username), " ", photo.caption) : null,
      link(href, { class: "muted" }, photo.commentCount ? `View ${plural(photo.commentCount, "comment", "comments")}` : "Add a comment"),
    ),
  );
}

function pager(load, container, label = "Load more") {
  // Fetches pages with the API's cursors, appending items; a button asks for the next one.
  const more = h("button", { type: "button" }, label);
  let cursor = null;
  async function next() {
    more.disabled = true;
    const result = await load(cursor);
    cursor = result.cursor;
    more.disabled = false;
    more.hidden = !cursor;
    return result.items;
  }
  more.addEventListener("click", () => next().then((items) => items.forEach((item) => container.append(item))));
  return { next, more };
}

async function home() {
  if (!me) {
    page("");
    $main.append(
      empty(
        "Welcome to instaclone",
        h("p", {}, "Share photos and stories with the people who follow you."),
        h("p", {}, link("/signup", { class: "button primary" }, "Sign up"), " ", link("/login", { class: "button" }, "Log in")),
      ),
    );
    return;
  }
  page("Home");
  // Your story first (or a way to add one), then the people you follow with a live story.
  const tray = (await api("GET", "/api/stories/tray?limit=50")).items;
  const mine = tray.find((entry) => entry.username === me.username);
  const others = tray.filter((entry) => entry.username !== me.username);
  $main.append(
    h(
      "section",
      { class: "card tray", "aria-label": "Stories" },
      mine
        ? link(`/stories/${enc(me.username)}`, { "aria-label": "Your story" }, avatar(me.username, false, true), "Your story")
        : link("/upload", { "aria-label": "Add to your story" }, avatar(me.username, false, false), "Add story"),
      others.map((entry) => link(`/stories/${enc(entry.username)}`, { "aria-label": `Stories of ${entry.username}` }, avatar(entry.username, false, true), entry.username)),
    ),
  );
  $main.append(h("h1", {}, "Home"));
  const feed = h("div", { id: "feed" });
  const { next, more } = pager((cursor) => api("GET", `/api/feed?limit=10${cursor ? `&cursor=${enc(cursor)}` : ""}`).then((r) => ({ ...r, items: r.items.map(photoCard) })), feed);
  const first = await next();
  if (!first.length) {
    const input = h("input", { type: "text", name: "username", required: true });
    $main.append(
      empty(
        "Your feed is empty",
        h("p", {}, "Follow people to see their photos here, or share your own."),
        h(
          "form",
          { onsubmit: (e) => { e.preventDefault(); go(`/u/${enc(input.value.trim().toLowerCase())}`); } },
          h("label", {}, "Go to a profile", input),
          " ",
          h("button", { type: "submit" }, "Go"),
        ),
        h("p", {}, link("/upload", { class: "button primary" }, "Share a photo")),
      ),
    );
    return;
  }
  feed.append(...first);
  $main.append(feed, more);
}

async function photoPage(owner, photoId) {
  const photo = await api("GET", `/api/users/${enc(owner)}/photos/${enc(photoId)}`);
  page(photo.caption || `Photo by ${photo.username}`);
  const isOwner = me && me.username === photo.username;
  const likers = h("p", { class: "muted", id: "likers" });
  async function refreshLikers() {
    const result = await api("GET", `${photoPath(photo)}/likes?limit=20`);
    likers.replaceChildren();
    if (!result.items.length) likers.append("No likes yet.");
    else {
      likers.append("Liked by ");
      result.items.forEach((user, i) => likers.append(i ? ", " : "", link(`/u/${enc(user.username)}`, {}, user.username)));
    }
  }
  const comments = h("ul", { class: "comments", "aria-label": "Comments" });
  const commentCount = h("span", {}, plural(photo.commentCount, "comment", "comments"));
  let commentTotal = photo.commentCount;
  const setCommentTotal = (n) => {
    commentTotal = n;
    commentCount.textContent = plural(n, "comment", "comments");
  };

  function commentItem(comment) {
    const author = comment.commentingUsername;
    const body = h("span", { class: "body" }, comment.content);
    const li = h("li", {}, link(`/u/${enc(author)}`, {}, h("strong", {}, author)), body, h("span", { class: "muted" }, ago(comment.createdAt)));
    const path = `${photoPath(photo)}/comments/${enc(comment.commentId)}`;
    if (me && me.username === author) {
      li.append(
        h("button", {
          class: "link", type: "button", "aria-label": `Edit comment by ${author}`,
          onclick: () => {
            const text = h("textarea", { name: "content", required: true, maxlength: 2200 }, comment.content);
            const form = h(
              "form",
              {
                class: "body",
                onsubmit: async (e) => {
                  e.preventDefault();
                  try {
                    const updated = await api("PATCH", path, { content: text.value });
                    comment.content = updated.content;
                    body.textContent = updated.content;
                    form.replaceWith(body);
                  } catch (error) {
                    toast(error.message);
                  }
                },
              },
              h("label", {}, "Edit comment", text),
              h("button", { type: "submit", class: "primary" }, "Save"),
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
        h("button", {
          class: "link danger", type: "button", "aria-label": `Delete comment by ${author}`,
          onclick: async () => {
            if (!confirm("Delete this comment?")) return;
            try {
              await api("DELETE", path);
              li.remove();
              setCommentTotal(commentTotal - 1);
            } catch (error) {
              toast(error.message);
            }
          },
        }, "Delete"),
      );
    }
    return li;
  }

  const { next, more } = pager((cursor) => api("GET", `${photoPath(photo)}/comments?limit=20${cursor ? `&cursor=${enc(cursor)}` : ""}`).then((r) => ({ ...r, items: r.items.map(commentItem) })), comments, "More comments");
  comments.append(...(await next()));

  let addForm = null;
  if (me) {
    const text = h("textarea", { name: "content", required: true, maxlength: 2200 });
    addForm = h(
      "form",
      {
        class: "stack",
        onsubmit: async (e) => {
          e.preventDefault();
          try {
            const created = await api("POST", `${photoPath(photo)}/comments`, { content: text.value });
            comments.append(commentItem(created));
            setCommentTotal(commentTotal + 1);
            text.value = "";
          } catch (error) {
            toast(error.message);
          }
        },
      },
      h("label", {}, "Add a comment", text),
      h("button", { type: "submit", class: "primary" }, "Post"),
    );
  }

  const remove = isOwner
    ? h("button", {
        class: "danger", type: "button",
        onclick: async () => {
          if (!confirm("Delete this photo, its likes and its comments?")) return;
          try {
            await api("DELETE", photoPath(photo));
            toast("Photo deleted");
            go(`/u/${enc(photo.username)}`);
          } catch (error) {
            toast(error.message);
          }
        },
      }, "Delete photo")
    : null;

  $main.append(
    h(
      "article",
      { class: "card" },
      h("div", { class: "card-head" }, avatar(photo.username), link(`/u/${enc(photo.username)}`, {}, h("strong", {}, photo.username)), h("span", { class: "muted" }, ago(photo.createdAt))),
      h("img", { class: "photo-img", src: photo.url, alt: altOf(photo) }),
      h(
        "div",
        { class: "card-body" },
        likeControls(photo, refreshLikers),
        likers,
        photo.caption ? h("p", { id: "caption" }, h("strong", {}, photo.username), " ", photo.caption) : null,
        h("h2", {}, commentCount),
        comments,
        more,
        addForm || h("p", { class: "muted" }, link("/login", {}, "Log in"), " to comment."),
        remove,
      ),
    ),
  );
  await refreshLikers();
}

// -- profiles ------------------------------------------------------------------------------

async function profile(username) {
  let user;
  try {
    user = await api("GET", `/api/users/${enc(username)}`);
  } catch (error) {
    if (error.status === 404 || error.status === 422) {
      page("Not found");
      $main.append(empty(`No user called ${username}`, link("/", {}, "Go home")));
      return;
    }
    throw error;
  }
  page(`${user.name} (@${user.username})`, true);
  const stories = await api("GET", `/api/users/${enc(user.username)}/stories?limit=1`);
  const hasStories = stories.items.length > 0;
  const followers = h("span", {}, plural(user.followerCount, "follower", "followers"));
  let follow = null;
  if (me && me.username !== user.username) {
    let following = (await api("GET", `/api/users/${enc(me.username)}/following/${enc(user.username)}`)).following;
    follow = h("button", { type: "button" });
    const show = () => {
      follow.textContent = following ? "Following" : "Follow";
      follow.className = following ? "" : "primary";
      follow.setAttribute("aria-pressed", String(following));
    };
    follow.addEventListener("click", async () => {
      follow.disabled = true;
      try {
        await api(following ? "DELETE" : "PUT", `/api/users/${enc(me.username)}/following/${enc(user.username)}`);
        following = !following;
        user.followerCount += following ? 1 : -1;
        followers.textContent = plural(user.followerCount, "follower", "followers");
        show();
      } catch (error) {
        toast(error.message);
      } finally {
        follow.disabled = false;
      }
    });
    show();
  }
  const face = avatar(user.username, true, hasStories);
  $main.append(
    h(
      "section",
      { class: "profile-head" },
      hasStories ? link(`/stories/${enc(user.username)}`, { "aria-label": `Watch ${user.username}'s stories` }, face) : face,
      h(
        "div",
        {},
        h("h1", {}, user.name, " ", h("span", { class: "muted" }, `@${user.username}`)),
        h(
          "ul",
          { class: "stats" },
          h("li", {}, h("strong", {}, plural(user.photoCount, "post", "posts"))),
          h("li", {}, link(`/u/${enc(user.username)}/followers`, {}, followers)),
          h("li", {}, link(`/u/${enc(user.username)}/following`, {}, `${user.followingCount} following`)),
        ),
        follow,
      ),
    ),
  );
  const grid = h("div", { class: "grid", "aria-label": "Photos" });
  const tile = (photo) => link(`/p/${enc(photo.username)}/${enc(photo.photoId)}`, {}, h("img", { src: photo.thumbnailUrl || photo.url, alt: altOf(photo), loading: "lazy" }));
  const { next, more } = pager((cursor) => api("GET", `/api/users/${enc(user.username)}/photos?limit=12${cursor ? `&cursor=${enc(cursor)}` : ""}`).then((r) => ({ ...r, items: r.items.map(tile) })), grid);
  const first = await next();
  if (!first.length) {
    $main.append(
      empty(
        "No photos yet",
        me && me.username === user.username ? h("p", {}, link("/upload", { class: "button primary" }, "Share your first photo")) : h("p", { class: "muted" }, "Check back later."),
      ),
    );
    return;
  }
  grid.append(...first);
  $main.append(grid, more);
}

async function people(username, which) {
  page(`${which === "followers" ? "Followers" : "Following"} of @${username}`);
  $main.append(h("h1", {}, which === "followers" ? `People following @${username}` : `People @${username} follows`));
  const list = h("ul", { class: "people" });
  const item = (user) => h("li", {}, avatar(user.username), link(`/u/${enc(user.username)}`, {}, h("strong", {}, user.username)), h("span", { class: "muted" }, user.name));
  const { next, more } = pager((cursor) => api("GET", `/api/users/${enc(username)}/${which}?limit=30${cursor ? `&cursor=${enc(cursor)}` : ""}`).then((r) => ({ ...r, items: r.items.map(item) })), list);
  const first = await next();
  if (!first.length) {
    $main.append(empty(which === "followers" ? "No followers yet" : "Not following anyone yet", link(`/u/${enc(username)}`, {}, `Back to @${username}`)));
    return;
  }
  list.append(...first);
  $main.append(list, more);
}

// -- posting ---------------------------------------------------------------------------------

async function upload() {
  if (needSignIn()) return;
  page("New post");
  const file = h("input", { type: "file", name: "file", accept: "image/jpeg,image/png,image/webp", required: true });
  const preview = h("img", { class: "preview", alt: "Preview of the chosen image", hidden: true });
  file.addEventListener("change", () => {
    if (file.files.length) {
      preview.src = URL.createObjectURL(file.files[0]);
      preview.hidden = false;
    }
  });
  const kindPhoto = h("input", { type: "radio", name: "kind", value: "photo", checked: true });
  const kindStory = h("input", { type: "radio", name: "kind", value: "story" });
  const caption = h("textarea", { name: "caption", maxlength: 2200 });
  const captionField = h("label", {}, "Caption", caption);
  const toggle = () => { captionField.hidden = kindStory.checked; };
  kindPhoto.addEventListener("change", toggle);
  kindStory.addEventListener("change", toggle);
  const error = h("p", { class: "error", role: "alert" });
  const submit = h("button", { type: "submit", class: "primary" }, "Share");
  const form = h(
    "form",
    {
      class: "stack",
      onsubmit: async (e) => {
        e.preventDefault();
        submit.disabled = true;
        error.textContent = "";
        try {
          const data = new FormData();
          if (kindStory.checked) {
            data.append("files", file.files[0]);
            data.append("duration", "5");
            await api("POST", `/api/users/${enc(me.username)}/stories/upload`, data);
            toast("Story posted");
            go(`/u/${enc(me.username)}`);
          } else {
            data.append("file", file.files[0]);
            if (caption.value) data.append("caption", caption.value);
            const photo = await api("POST", `/api/users/${enc(me.username)}/photos/upload`, data);
            go(`/p/${enc(photo.username)}/${enc(photo.photoId)}`);
          }
        } catch (err) {
          error.textContent = err.message;
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("h1", {}, "New post"),
    h("fieldset", { class: "choices" }, h("legend", {}, "Post as"), h("label", { class: "choice" }, kindPhoto, "A photo"), h("label", { class: "choice" }, kindStory, "A story (24 hours)")),
    h("label", {}, "Image (JPEG, PNG or WebP)", file),
    preview,
    captionField,
    error,
    submit,
  );
  $main.append(form);
}

// -- stories ---------------------------------------------------------------------------------

async function storiesPage(username) {
  const result = await api("GET", `/api/users/${enc(username)}/stories?limit=20`);
  page(`Stories of @${username}`);
  const stories = result.items.slice().reverse(); // oldest first, as they were posted
  if (!stories.length) {
    $main.append(empty(`@${username} has no live stories`, link(`/u/${enc(username)}`, {}, `Back to @${username}`)));
    return;
  }
  const frames = stories.flatMap((story) => story.frames.map((frame, i) => ({ story, frame, first: i === 0 })));
  const bars = frames.map(() => h("div", { class: "bar" }, h("span")));
  const image = h("img", { alt: "" });
  const caption = h("p", { "aria-live": "polite" });
  const views = h("span", { class: "views" });
  let index = 0;
  let timer = null;
  const close = () => { clearTimeout(timer); document.removeEventListener("keydown", keys); go(`/u/${enc(username)}`); };
  const show = async (i) => {
    clearTimeout(timer);
    if (i < 0) i = 0;
    if (i >= frames.length) return close();
    index = i;
    const { story, frame, first } = frames[i];
    image.src = frame.url;
    image.alt = `Story by ${username}, frame ${i + 1} of ${frames.length}`;
    caption.textContent = `${username} · ${ago(story.createdAt)}`;
    bars.forEach((bar, j) => {
      const fill = bar.firstChild;
      fill.style.transition = "none";
      fill.style.width = j < i ? "100%" : "0";
    });
    const seconds = frame.duration || 5;
    requestAnimationFrame(() => {
      const fill = bars[i].firstChild;
      fill.style.transition = `width ${seconds}s linear`;
      fill.style.width = "100%";
    });
    timer = setTimeout(() => show(index + 1), seconds * 1000);
    if (first && me && me.username !== username) {
      api("POST", `/api/users/${enc(username)}/stories/${enc(story.storyId)}/views`).catch(() => {});
    }
    if (me && me.username === username) views.textContent = plural(story.viewCount, "view", "views");
  };
  const keys = (e) => {
    if (e.key === "ArrowRight") show(index + 1);
    else if (e.key === "ArrowLeft") show(index - 1);
    else if (e.key === "Escape") close();
  };
  document.addEventListener("keydown", keys);
  const closeButton = h("button", { type: "button", onclick: close }, "Close");
  $main.append(
    h(
      "section",
      { class: "viewer", role: "dialog", "aria-modal": "true", "aria-label": `Stories of ${username}` },
      h("div", { class: "bars" }, bars),
      h("div", { class: "stage" }, image),
      h("div", { class: "story-info" }, caption, views),
      h(
        "div",
        { class: "controls" },
        h("button", { type: "button", "aria-label": "Previous frame", onclick: () => show(index - 1) }, "‹"),
        closeButton,
        h("button", { type: "button", "aria-label": "Next frame", onclick: () => show(index + 1) }, "›"),
      ),
    ),
  );
  closeButton.focus();
  show(0);
}

// -- start -----------------------------------------------------------------------------------

(async function start() {
  try {
    me = await api("GET", "/api/me");
  } catch (error) {
    me = null;
  }
  renderNav();
  await render();
})();
