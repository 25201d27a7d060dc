// Log in and sign up. After either, the reader goes where they were sent from (`?next=`).
import { api } from "../api/client.js";
import { go } from "../router.js";
import { session, setMe } from "../state/session.js";
import { h, link } from "../ui/dom.js";

export const field = (label, attrs) => h("label", {}, label, h("input", { type: "text", required: true, ...attrs }));

export function nextPath() {
  const next = new URLSearchParams(location.search).get("next") || "/";
  // Only a path on this site: never "//elsewhere" or a full URL.
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

export function authForm(title, fields, submitLabel, onSubmit, footer) {
  const error = h("p", { class: "error", role: "alert" });
  const button = h("button", { class: "primary", type: "submit" }, submitLabel);
  const form = h(
    "form",
    {
      class: "stack",
      onsubmit: async (event) => {
        event.preventDefault();
        if (button.disabled) return;
        button.disabled = true;
        error.textContent = "";
        try {
          await onSubmit(new FormData(form));
        } catch (e) {
          error.textContent = e.message;
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

export async function render(view) {
  if (session.me) return go(nextPath(), { replace: true }); // signed in already
  view.setTitle("Log in");
  const next = nextPath();
  view.container.append(
    authForm(
      "Log in",
      [
        field("Username", { name: "username", autocomplete: "username" }),
        field("Password", { name: "password", type: "password", autocomplete: "current-password" }),
      ],
      "Log in",
      async (data) => {
        const result = await api("POST", "/api/sessions", Object.fromEntries(data));
        setMe(result.user);
        go(next, { replace: true });
      },
      h("p", { class: "muted" }, "New here? ", link(`/signup${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`, {}, "Create an account")),
    ),
  );
}
