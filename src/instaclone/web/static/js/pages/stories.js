// The story viewer: frames play for their duration; tap the left third to go back, the
// rest to go on; arrows and Escape on a keyboard. At the end it moves on to the next
// person of the tray, then returns where the reader came from. Leaving stops everything
// (timers, keys, view counting).
import { api } from "../api/client.js";
import { go } from "../router.js";
import { session } from "../state/session.js";
import { empty, enc, h, link } from "../ui/dom.js";
import { ago, plural } from "../ui/format.js";
import { markSeen } from "../ui/seen.js";

export async function render(view, username) {
  const then = (new URLSearchParams(location.search).get("then") || "").split(",").filter(Boolean);
  let result;
  try {
    result = await api("GET", `/api/users/${enc(username)}/stories?limit=20`, undefined, { signal: view.signal });
  } catch (error) {
    if (error.status !== 404 && error.status !== 422) throw error;
    result = { items: [] };
  }
  view.setTitle(`Stories of @${username}`);
  const stories = result.items.slice().reverse(); // oldest first, as they were posted
  if (!stories.length) {
    const exists = await api("GET", `/api/users/${enc(username)}`, undefined, { signal: view.signal }).then(() => true, () => false);
    view.container.append(
      empty(`@${username} has no live stories`, exists ? link(`/u/${enc(username)}`, {}, `See @${username}'s profile`) : link("/", {}, "Go home")),
    );
    return;
  }
  const me = session.me;
  const frames = stories.flatMap((story) => story.frames.map((frame, i) => ({ story, frame, first: i === 0 })));
  const bars = frames.map(() => h("div", { class: "bar" }, h("span")));
  const image = h("img", { alt: "" });
  const caption = h("p", { "aria-live": "polite" });
  const views = h("span", { class: "views" });
  let index = 0;
  let timer = null;
  const stop = () => {
    clearTimeout(timer);
    document.removeEventListener("keydown", keys);
  };
  view.onCleanup(stop);
  const close = () => {
    stop();
    if (history.length > 1 && history.state && history.state.fromApp) history.back();
    else go("/", { replace: true });
  };
  const finish = () => {
    const at = then.indexOf(username);
    const nextPerson = then.slice(at + 1)[0] || (at === -1 ? null : null);
    if (nextPerson) go(`/stories/${enc(nextPerson)}?then=${enc(then.join(","))}`, { replace: true });
    else close();
  };
  const show = (i) => {
    if (!view.alive) return;
    clearTimeout(timer);
    if (i < 0) i = 0;
    if (i >= frames.length) return finish();
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
    markSeen(story.storyId);
    if (first && me && me.username !== username) {
      api("POST", `/api/users/${enc(username)}/stories/${enc(story.storyId)}/views`, undefined, { signal: view.signal }).catch(() => {});
    }
    if (me && me.username === username) views.textContent = plural(story.viewCount, "view", "views");
  };
  const keys = (e) => {
    if (e.key === "ArrowRight") show(index + 1);
    else if (e.key === "ArrowLeft") show(index - 1);
    else if (e.key === "Escape") close();
  };
  document.addEventListener("keydown", keys);
  const stage = h("div", { class: "stage" }, image);
  stage.addEventListener("click", (e) => {
    const box = stage.getBoundingClientRect();
    show(e.clientX - box.left < box.width / 3 ? index - 1 : index + 1);
  });
  const closeButton = h("button", { type: "button", onclick: close }, "Close");
  view.container.append(
    h(
      "section",
      { class: "viewer", role: "dialog", "aria-modal": "true", "aria-label": `Stories of ${username}` },
      h("div", { class: "bars" }, bars),
      stage,
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
