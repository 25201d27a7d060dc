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

// A person's picture: their photo when they have one (150 px, or 320 px when big), else
// their initials on a gradient, which also stand in if the picture fails to load.
// `who` is a user (or anything with username and avatarThumbUrl/avatarUrl) or a username.
export function avatar(who, big = false, ring = false) {
  const username = typeof who === "string" ? who : who.username;
  const picture = typeof who === "string" ? null : big ? who.avatarUrl || who.avatarThumbUrl : who.avatarThumbUrl || who.avatarUrl;
  const initials = username.replace(/[^a-z0-9]/gi, "").slice(0, 2) || "?";
  const classes = ["avatar", big && "big", ring && "ring", ring === "seen" && "seen"].filter(Boolean).join(" ");
  const letters = () => h("span", { class: classes, "aria-hidden": "true" }, initials);
  if (!picture) return letters();
  const img = h("img", { class: `${classes} pic`, src: picture, alt: "", loading: "lazy", decoding: "async" });
  img.addEventListener("error", () => img.replaceWith(letters()), { once: true });
  return img;
}

// A text box with a live character count that refuses more than `max` (instead of the
// browser cutting pasted text silently at maxlength).
export function countedText(label, { name, max = 2200, value = "", required = false } = {}) {
  const text = h("textarea", { name, required }, value);
  const counter = h("span", { class: "counter muted", "aria-live": "polite" });
  const update = () => {
    const length = [...text.value].length; // characters as the server counts them (an emoji is one)
    const over = length > max;
    counter.textContent = `${length.toLocaleString()} / ${max.toLocaleString()}`;
    counter.classList.toggle("over", over);
    text.setCustomValidity(over ? `At most ${max.toLocaleString()} characters` : "");
  };
  text.addEventListener("input", update);
  update();
  return { field: h("label", {}, label, text, counter), text };
}
