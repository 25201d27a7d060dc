import { api } from "../api/client.js";
import { go } from "../router.js";
import { session, setMe } from "../state/session.js";
import { h, link } from "../ui/dom.js";
import { authForm, field, nextPath } from "./login.js";

export async function render(view) {
  if (session.me) return go(nextPath(), { replace: true });
  view.setTitle("Sign up");
  const next = nextPath();
  view.container.append(
    authForm(
      "Create your account",
      [
        field("Username", { name: "username", autocomplete: "username", maxlength: 30, pattern: "[A-Za-z0-9._]{1,30}", title: "Letters, digits, dots and underscores" }),
        field("Name", { name: "name", autocomplete: "name", maxlength: 100 }),
        field("Password", { name: "password", type: "password", autocomplete: "new-password", minlength: 8 }),
      ],
      "Sign up",
      async (data) => {
        const result = await api("POST", "/api/accounts", Object.fromEntries(data));
        setMe(result.user);
        go(next, { replace: true });
      },
      h("p", { class: "muted" }, "Have an account? ", link("/login", {}, "Log in")),
    ),
  );
}
