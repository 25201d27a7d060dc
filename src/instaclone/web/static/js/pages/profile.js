// A profile: picture (with a ring when there is a live story), name, bio and website,
// counts, follow; then the photo grid, and for your own profile a Saved tab (only you
// see it).
import { api } from "../api/client.js";
import { go } from "../router.js";
import { session } from "../state/session.js";
import { avatar, empty, enc, h, link } from "../ui/dom.js";
import { plural } from "../ui/format.js";
import { blockButton } from "../ui/block.js";
import { followButton, relations } from "../ui/follow-button.js";
import { photoGrid } from "../ui/grid.js";
import { richText } from "../ui/rich-text.js";

function website(url) {
  let shown = url;
  try {
    const parsed = new URL(url);
    shown = parsed.host + (parsed.pathname === "/" ? "" : parsed.pathname);
  } catch (error) {
    // shown as stored
  }
  return h("a", { class: "website", href: url, rel: "nofollow noopener noreferrer", target: "_blank" }, shown);
}

export async function render(view, username, tab = "posts") {
  let user;
  try {
    user = await api("GET", `/api/users/${enc(username)}`, undefined, { signal: view.signal });
  } catch (error) {
    if (error.status !== 404 && error.status !== 422) throw error;
    view.setTitle("Not found");
    view.container.append(empty(`No one is called @${username}`, h("p", {}, "Check the spelling, or go back home."), link("/", {}, "Go home")));
    return;
  }
  const mine = Boolean(session.me && session.me.username === user.username);
  if (tab === "saved" && !mine) {
    go(`/u/${enc(user.username)}`, { replace: true });
    return;
  }
  view.setTitle(`${user.name} (@${user.username})`, true);
  view.keep = tab !== "saved"; // Saved is drawn afresh: a photo unsaved meanwhile is gone
  const [stories, relation] = await Promise.all([
    api("GET", `/api/users/${enc(user.username)}/stories?limit=1`, undefined, { signal: view.signal }),
    relations([user.username], view.signal).then((found) => found.get(user.username)),
  ]);
  // Signed out, or your own profile: no relation, no buttons.
  const { following = null, followsYou = false, blocked = false } = relation || {};
  const hasStories = stories.items.length > 0;
  const followers = h("span", {}, plural(user.followerCount, "follower", "followers"));
  // Blocked or unblocked: the page is drawn afresh (what the block ended is gone from it).
  const redraw = () => go(location.pathname, { replace: true });
  const follow =
    following === null || blocked
      ? null
      : followButton(
          user.username,
          following,
          (now) => {
            user.followerCount += now ? 1 : -1;
            followers.textContent = plural(user.followerCount, "follower", "followers");
          },
          { followsYou, onStale: redraw },
        );
  const face = avatar(user, true, hasStories);
  view.container.append(
    h(
      "section",
      { class: "profile-head" },
      hasStories ? link(`/stories/${enc(user.username)}`, { "aria-label": `Watch ${user.username}'s stories` }, face) : face,
      h(
        "div",
        { class: "who" },
        h("h1", {}, h("span", { class: "name" }, user.name), " ", h("span", { class: "muted handle" }, `@${user.username}`)),
        followsYou && !blocked ? h("p", { class: "follows-you" }, h("span", { class: "chip" }, "Follows you")) : null,
        h(
          "ul",
          { class: "stats" },
          h("li", {}, h("strong", {}, plural(user.photoCount, "post", "posts"))),
          h("li", {}, link(`/u/${enc(user.username)}/followers`, {}, followers)),
          h("li", {}, link(`/u/${enc(user.username)}/following`, {}, `${user.followingCount.toLocaleString()} following`)),
        ),
        user.bio ? h("p", { class: "bio" }, richText(user.bio, user.mentions)) : null,
        user.website ? h("p", {}, website(user.website)) : null,
        blocked
          ? [h("p", { class: "muted" }, `You blocked @${user.username}. They can't follow you or message you.`), h("div", { class: "row" }, blockButton(user.username, true, redraw))]
          : h("div", { class: "row" }, follow, session.me && !mine ? [link(`/direct/t/${enc(user.username)}`, { class: "button" }, "Message"), blockButton(user.username, false, redraw)] : null),
        mine ? link("/settings", { class: "button" }, "Edit profile") : null,
      ),
    ),
  );
  if (mine) {
    const tabLink = (name, href, label) => link(href, { class: tab === name ? "tab current" : "tab", "aria-current": tab === name ? "page" : null }, label);
    view.container.append(
      h("nav", { class: "tabs", "aria-label": "Profile sections" }, tabLink("posts", `/u/${enc(user.username)}`, "Posts"), tabLink("saved", `/u/${enc(user.username)}/saved`, "Saved")),
    );
  }
  if (tab === "saved") {
    view.container.append(h("p", { class: "muted" }, "Only you can see what you've saved."));
    await photoGrid(view, "/api/me/saved", {
      label: "Saved photos",
      whenEmpty: () => empty("Nothing saved yet", h("p", {}, "Tap ☆ on a photo to keep it here.")),
    });
    return;
  }
  await photoGrid(view, `/api/users/${enc(user.username)}/photos`, {
    size: 12,
    whenEmpty: () =>
      empty("No photos yet", mine ? h("p", {}, link("/upload", { class: "button primary" }, "Share your first photo")) : h("p", { class: "muted" }, "Check back later.")),
  });
}
