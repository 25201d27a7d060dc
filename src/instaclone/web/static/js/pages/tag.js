// A hashtag's page: how many photos have it, and the photos, newest first.
import { api } from "../api/client.js";
import { empty, enc, h, link } from "../ui/dom.js";
import { plural } from "../ui/format.js";
import { photoGrid } from "../ui/grid.js";

// The server's rule: letters, digits, "_" and the marks that belong to letters.
const TAG = /^[\p{L}\p{N}\p{M}_]{1,100}$/u;

export async function render(view, tag) {
  tag = tag.replace(/^#/, "");
  if (!TAG.test(tag.normalize("NFC"))) {
    view.setTitle("Not a hashtag");
    view.container.append(empty("That is not a hashtag", h("p", {}, "A hashtag is letters, digits and _ (up to 100)."), link("/explore", {}, "Explore instead")));
    return;
  }
  view.setTitle(`#${tag}`, true);
  view.keep = true;
  const count = h("p", { class: "muted" });
  const head = h("section", { class: "tag-head" }, h("span", { class: "tag-badge", "aria-hidden": "true" }, "#"), h("div", {}, h("h1", {}, `#${tag}`), count));
  view.container.append(head);
  try {
    await photoGrid(view, `/api/tags/${enc(tag)}`, {
      label: `Photos tagged #${tag}`,
      onPage: (r) => {
        head.querySelector("h1").textContent = `#${r.tag}`;
        count.textContent = plural(r.photoCount, "post", "posts");
      },
      whenEmpty: () => empty("No posts yet", h("p", {}, `Be the first: put #${tag} in a caption.`), link("/upload", { class: "button primary" }, "New post")),
    });
  } catch (error) {
    if (error.status !== 422) throw error;
    view.container.replaceChildren(empty("That is not a hashtag", h("p", {}, "A hashtag is letters, digits and _ (up to 100)."), link("/explore", {}, "Explore instead")));
  }
}
