// Explore: the most liked photos of the last days from people you don't follow yet.
import { needSignIn } from "../router.js";
import { empty, h, link } from "../ui/dom.js";
import { photoGrid } from "../ui/grid.js";

export async function render(view) {
  if (needSignIn()) return;
  view.setTitle("Explore", true);
  view.keep = true;
  view.container.append(h("h1", {}, "Explore"), h("p", { class: "muted" }, "Popular this week with people you don't follow yet."));
  await photoGrid(view, "/api/explore", {
    label: "Popular photos",
    whenEmpty: () => empty("Nothing to explore yet", h("p", {}, "New photos from people you don't follow will show up here."), link("/search", {}, "Find people")),
  });
}
