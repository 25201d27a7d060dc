// Edit profile: picture (upload or remove), name, bio (150 characters, @mentions and
// #tags become links), website. Each save is one request, disabled while it runs.
import { api, upload } from "../api/client.js";
import { logOut } from "../main.js";
import { needSignIn } from "../router.js";
import { session, setMe } from "../state/session.js";
import { avatar, countedText, enc, h, link } from "../ui/dom.js";
import { toast } from "../ui/toast.js";

const MAX_BYTES = 15 * 1024 * 1024;

export async function render(view) {
  if (needSignIn()) return;
  view.setTitle("Edit profile");
  const user = await api("GET", `/api/users/${enc(session.me.username)}`, undefined, { signal: view.signal });
  const path = `/api/users/${enc(user.username)}`;

  // -- picture
  const face = h("div", { class: "face" }, avatar(user, true));
  const file = h("input", { type: "file", name: "file", accept: "image/jpeg,image/png,image/webp", class: "visually-hidden", id: "avatar-file", "aria-label": "Profile photo file", tabindex: "-1" });
  const choose = h("label", { for: "avatar-file", class: "button primary", role: "button", tabindex: "0" }, "Change profile photo");
  choose.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); file.click(); } });
  const removeButton = h("button", { type: "button", class: "danger", hidden: !user.avatarUrl }, "Remove photo");
  const pictureStatus = h("p", { class: "error", role: "alert" });
  const progress = h("progress", { max: 1, value: 0, hidden: true, "aria-label": "Upload progress" });
  const showPicture = (updated) => {
    Object.assign(user, updated);
    face.replaceChildren(avatar(user, true));
    removeButton.hidden = !user.avatarUrl;
    setMe({ ...session.me, ...updated });
  };
  file.addEventListener("change", async () => {
    const chosen = file.files[0];
    pictureStatus.textContent = "";
    if (!chosen) return;
    if (chosen.size > MAX_BYTES) {
      pictureStatus.textContent = "That file is bigger than 15 MB: choose a smaller one.";
      file.value = "";
      return;
    }
    file.disabled = true;
    progress.hidden = false;
    try {
      const data = new FormData();
      data.append("file", chosen);
      showPicture(await upload(`${path}/avatar`, data, (f) => { progress.value = f; }, "PUT"));
      toast("Profile photo updated");
    } catch (error) {
      pictureStatus.textContent = error.message;
    } finally {
      file.disabled = false;
      file.value = "";
      progress.hidden = true;
    }
  });
  removeButton.addEventListener("click", async () => {
    if (removeButton.disabled || !confirm("Remove your profile photo?")) return;
    removeButton.disabled = true;
    try {
      showPicture(await api("DELETE", `${path}/avatar`));
      toast("Profile photo removed");
    } catch (error) {
      pictureStatus.textContent = error.message;
    } finally {
      removeButton.disabled = false;
    }
  });

  // -- details
  const name = h("input", { type: "text", name: "name", value: user.name, required: true, maxlength: 100 });
  const { field: bioField, text: bio } = countedText("Bio", { name: "bio", max: 150, value: user.bio || "" });
  const site = h("input", { type: "url", name: "website", value: user.website || "", placeholder: "https://example.com", inputmode: "url" });
  const error = h("p", { class: "error", role: "alert" });
  const save = h("button", { type: "submit", class: "primary" }, "Save");
  const form = h(
    "form",
    {
      class: "stack",
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        if (save.disabled) return;
        error.textContent = "";
        if (!name.value.trim()) return (error.textContent = "Your name can't be empty.");
        if (bio.value.length > 150) return (error.textContent = "A bio is at most 150 characters.");
        save.disabled = true;
        try {
          const updated = await api("PATCH", path, { name: name.value, bio: bio.value, website: site.value });
          Object.assign(user, updated);
          site.value = updated.website || "";
          name.value = updated.name;
          bio.value = updated.bio || "";
          bio.dispatchEvent(new Event("input"));
          setMe({ ...session.me, ...updated });
          toast("Profile saved");
        } catch (err) {
          error.textContent = err.message;
        } finally {
          save.disabled = false;
        }
      },
    },
    h("label", {}, "Name", name),
    bioField,
    h("label", {}, "Website", site),
    error,
    h("div", { class: "row" }, save, link(`/u/${enc(user.username)}`, { class: "button" }, "View profile")),
  );

  view.container.append(
    h("h1", {}, "Edit profile"),
    h("section", { class: "card settings-picture", "aria-label": "Profile photo" }, face, h("div", { class: "stack-tight" }, h("strong", {}, `@${user.username}`), h("div", { class: "row" }, choose, removeButton), progress, pictureStatus, h("p", { class: "muted" }, "JPEG, PNG or WebP, up to 15 MB. We keep the middle square."))),
    file,
    form,
    h("section", { class: "account-actions" }, h("h2", {}, "Account"), h("div", { class: "row" }, link("/settings/blocked", { class: "button" }, "Blocked accounts"), h("button", { type: "button", onclick: logOut }, "Log out"))),
  );
}
