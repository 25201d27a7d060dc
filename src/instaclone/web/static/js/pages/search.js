// Search people (the page phones use, and where Enter in the header's box leads): results
// as you type, each with a Follow button; arrows move between them.
import { h } from "../ui/dom.js";
import { liveQuery, short } from "../ui/search-box.js";
import { personRows } from "./people.js";

export async function render(view) {
  view.setTitle("Search");
  view.keep = true;
  const q = new URLSearchParams(location.search).get("q") || "";
  const input = h("input", { type: "search", name: "q", value: q, placeholder: "Name or username", autocomplete: "off", "aria-controls": "results" });
  const status = h("p", { class: "muted", role: "status", "aria-live": "polite" });
  const list = h("ul", { id: "results", class: "people", "aria-label": "People found" });
  const live = liveQuery(input, {
    limit: 30,
    onClear() {
      list.replaceChildren();
      status.textContent = "Type part of a name or username.";
      history.replaceState(history.state, "", "/search");
    },
    onResults(items, query, error) {
      if (error) {
        status.textContent = error.message;
        list.replaceChildren(); // never an old answer under a new question
        return;
      }
      history.replaceState(history.state, "", `/search?q=${encodeURIComponent(query)}`);
      status.textContent = items.length ? `${items.length === 30 ? "30+" : items.length} found` : `No one matches “${short(query)}”.`;
      list.replaceChildren(...personRows(items));
    },
  });
  view.onCleanup(live.cancel);
  // Arrows: from the box into the results and between them; Escape back to the box.
  view.container.addEventListener("keydown", (e) => {
    const links = [...list.querySelectorAll(".who a")];
    const at = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && links.length) {
      e.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (e.key === "ArrowUp" && at >= 0) {
      e.preventDefault();
      (at === 0 ? input : links[at - 1]).focus();
    } else if (e.key === "Escape") {
      input.focus();
    }
  });
  view.container.append(h("h1", {}, "Search"), h("form", { class: "search-page", role: "search", onsubmit: (e) => { e.preventDefault(); live.now(); } }, h("label", {}, "Search people", input)), status, list);
  if (q) await live.now();
  else status.textContent = "Type part of a name or username.";
  // After the router has put focus on the page: the box is where typing goes.
  requestAnimationFrame(() => input.focus());
}
