// A profile: avatar (with a ring when there is a live story), counts, follow, photo grid.
import { api, page } from "../api/client.js";
import { session } from "../state/session.js";
import { avatar, empty, enc, h, link } from "../ui/dom.js";
import { plural } from "../ui/format.js";
import { followButton, isFollowing } from "../ui/follow-button.js";
import { pager } from "../ui/pager.js";
import { altOf } from "../ui/photo-card.js";

export async function render(view, username) {
  let user;
  try {
    user = await api("GET", `/api/users/${enc(username)}`, undefined, { signal: view.signal });
  } catch (error) {
    if (error.status !== 404 && error.status !== 422) throw error;
    view.setTitle("Not found");
    view.container.append(empty(`No one is called @${username}`, h("p", {}, "Check the spelling, or go back home."), link("/", {}, "Go home")));
    return;
  }
  view.setTitle(`${user.name} (@${user.username})`, true);
  view.keep = true;
  const [stories, following] = await Promise.all([
    api("GET", `/api/users/${enc(user.username)}/stories?limit=1`, undefined, { signal: view.signal }),
    isFollowing(user.username, view.signal),
  ]);
  const hasStories = stories.items.length > 0;
  const followers = h("span", {}, plural(user.followerCount, "follower", "followers"));
  const follow =
    following === null
      ? null
      : followButton(user.username, following, (now) => {
          user.followerCount += now ? 1 : -1;
          followers.textContent = plural(user.followerCount, "follower", "followers");
        });
  const face = avatar(user.username, true, hasStories);
  view.container.append(
    h(
      "section",
      { class: "profile-head" },
      hasStories ? link(`/stories/${enc(user.username)}`, { "aria-label": `Watch ${user.username}'s stories` }, face) : face,
      h(
        "div",
        { class: "who" },
        h("h1", {}, h("span", { class: "name" }, user.name), " ", h("span", { class: "muted handle" }, `@${user.username}`)),
        h(
          "ul",
          { class: "stats" },
          h("li", {}, h("strong", {}, plural(user.photoCount, "post", "posts"))),
          h("li", {}, link(`/u/${enc(user.username)}/followers`, {}, followers)),
          h("li", {}, link(`/u/${enc(user.username)}/following`, {}, `${user.followingCount.toLocaleString()} following`)),
        ),
        follow,
      ),
    ),
  );
  const grid = h("div", { class: "grid", "aria-label": "Photos" });
  const tile = (photo) => link(`/p/${enc(photo.username)}/${enc(photo.photoId)}`, {}, h("img", { src: photo.thumbnailUrl || photo.url, alt: altOf(photo), loading: "lazy" }));
  const { next, footer, watch } = pager(
    view,
    (cursor, signal) => api("GET", page(`/api/users/${enc(user.username)}/photos`, 12, cursor), undefined, { signal }).then((r) => ({ ...r, items: r.items.map(tile) })),
    grid,
  );
  const first = await next();
  if (!first.length) {
    const mine = session.me && session.me.username === user.username;
    view.container.append(empty("No photos yet", mine ? h("p", {}, link("/upload", { class: "button primary" }, "Share your first photo")) : h("p", { class: "muted" }, "Check back later.")));
    return;
  }
  grid.append(...first);
  view.container.append(grid, footer);
  watch();
}
