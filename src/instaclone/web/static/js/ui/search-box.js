// People search as you type: each keystroke cancels the request on its way and waits a
// moment (debounced) before asking again, and an answer to an older question is dropped,
// so the list always matches what is in the box.
import { api } from "../api/client.js";
import { go } from "../router.js";
import { avatar, enc, h } from "./dom.js";

export const short = (q) => (q.length > 40 ? `${q.slice(0, 40)}…` : q);

export function liveQuery(input, { limit = 8, delay = 200, onResults, onClear }) {
  let timer = null;
  let controller = null;
  let asked = 0;
  async function run() {
    const q = input.value.trim();
    if (controller) controller.abort();
    if (!q) {
      asked += 1;
      onClear();
      return;
    }
    const mine = ++asked;
    controller = new AbortController();
    try {
      const result = await api("GET", `/api/search/users?q=${enc(q.slice(0, 100))}&limit=${limit}`, undefined, { signal: controller.signal });
      if (mine === asked) onResults(result.items, q);
    } catch (error) {
      if (error.name !== "AbortError" && mine === asked) onResults(null, q, error);
    }
  }
  input.addEventListener("input", () => {
    clearTimeout(timer);
    // The question changed: an answer still on its way is for the old one and must not show
    // (arriving within the wait below, it used to replace a list the reader was choosing from).
    asked += 1;
    if (controller) controller.abort();
    timer = setTimeout(run, delay);
  });
  return { now: run, cancel: () => { clearTimeout(timer); if (controller) controller.abort(); } };
}

// The header's search box: a combobox whose list shows the first matches; arrows move,
// Enter opens the chosen person (or the full results), Escape closes.
export function headerSearch() {
  const listId = "search-suggestions";
  const input = h("input", {
    type: "search", name: "q", placeholder: "Search", autocomplete: "off", role: "combobox",
    "aria-label": "Search people", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listId,
  });
  const list = h("ul", { id: listId, role: "listbox", class: "suggestions", "aria-label": "People", hidden: true });
  let options = [];
  let active = -1;
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const mark = (index) => {
    active = index;
    options.forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
    if (active >= 0) input.setAttribute("aria-activedescendant", options[active].id);
    else input.removeAttribute("aria-activedescendant");
  };
  const pick = (username) => {
    close();
    input.value = "";
    input.blur(); // chosen: the keyboard goes on to their page
    go(`/u/${enc(username)}`);
  };
  const live = liveQuery(input, {
    onClear: close,
    onResults(items, q, error) {
      if (error) options = [h("li", { class: "muted", role: "option", id: `${listId}-x`, "aria-disabled": "true" }, error.message)];
      else if (!items.length) options = [h("li", { class: "muted", role: "option", id: `${listId}-x`, "aria-disabled": "true" }, `No one matches “${short(q)}”`)];
      else
        options = items.map((user, i) =>
          h(
            "li",
            { role: "option", id: `${listId}-${i}`, "aria-selected": "false", "data-username": user.username, onmousedown: (e) => e.preventDefault(), onclick: () => pick(user.username) },
            avatar(user),
            h("span", { class: "who" }, h("strong", {}, user.username), h("span", { class: "muted" }, user.name)),
          ),
        );
      list.replaceChildren(...options);
      mark(-1);
      // Only for the box in use: an answer arriving after the reader moved on stays shut.
      if (document.activeElement !== input) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    },
  });
  // The moment the text changes, the old list is gone: Enter can never pick from it.
  input.addEventListener("input", () => {
    options = [];
    list.replaceChildren();
    close();
  });
  input.addEventListener("keydown", (e) => {
    const real = options.filter((li) => li.dataset.username);
    if (e.key === "ArrowDown" && real.length) {
      e.preventDefault();
      mark((active + 1) % real.length);
    } else if (e.key === "ArrowUp" && real.length) {
      e.preventDefault();
      mark(active <= 0 ? real.length - 1 : active - 1);
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (active >= 0 && real[active]) pick(real[active].dataset.username);
      else if (input.value.trim()) {
        const q = input.value.trim();
        live.cancel();
        close();
        input.value = "";
        options = [];
        go(`/search?q=${enc(q)}`);
      }
    } else if (e.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
  input.addEventListener("focus", () => { if (options.length && input.value.trim()) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } });
  return h("div", { class: "search-box", role: "search" }, input, list);
}
