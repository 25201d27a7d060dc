// Building the page: every piece of user content goes in as text, never as HTML, so a
// caption like <script> shows as those characters (the server's CSP is the second line).

export function h(tag, attrs = {}, ...children) {
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

export const link = (href, attrs, ...children) => h("a", { href, "data-link": true, ...attrs }, ...children);
export const enc = encodeURIComponent;

export function empty(title, ...rest) {
  return h("div", { class: "empty" }, h("h2", {}, title), ...rest);
}

export function avatar(username, big = false, ring = false) {
  const initials = username.replace(/[^a-z0-9]/gi, "").slice(0, 2) || "?";
  const classes = ["avatar", big && "big", ring && "ring", ring === "seen" && "seen"].filter(Boolean);
  return h("span", { class: classes.join(" "), "aria-hidden": "true" }, initials);
}

// A text box with a live character count that refuses more than `max` (instead of the
// browser cutting pasted text silently at maxlength).
export function countedText(label, { name, max = 2200, value = "", required = false } = {}) {
  const text = h("textarea", { name, required }, value);
  const counter = h("span", { class: "counter muted", "aria-live": "polite" });
  const update = () => {
    const over = text.value.length > max;
    counter.textContent = `${text.value.length.toLocaleString()} / ${max.toLocaleString()}`;
    counter.classList.toggle("over", over);
    text.setCustomValidity(over ? `At most ${max.toLocaleString()} characters` : "");
  };
  text.addEventListener("input", update);
  update();
  return { field: h("label", {}, label, text, counter), text };
}
