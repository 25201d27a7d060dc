// New post: a photo (with caption) or a story, a preview, upload progress.
import { upload as send } from "../api/client.js";
import { go, needSignIn } from "../router.js";
import { session } from "../state/session.js";
import { countedText, enc, h } from "../ui/dom.js";
import { toast } from "../ui/toast.js";

const MAX_BYTES = 15 * 1024 * 1024;

export async function render(view) {
  if (needSignIn()) return;
  view.setTitle("New post");
  const me = session.me;
  const file = h("input", { type: "file", name: "file", accept: "image/jpeg,image/png,image/webp", required: true });
  const preview = h("img", { class: "preview", alt: "Preview of the chosen image", hidden: true });
  const error = h("p", { class: "error", role: "alert" });
  file.addEventListener("change", () => {
    error.textContent = "";
    const chosen = file.files[0];
    if (!chosen) return;
    if (chosen.size > MAX_BYTES) {
      error.textContent = "That file is bigger than 15 MB: choose a smaller one.";
      file.value = "";
      preview.hidden = true;
      return;
    }
    preview.src = URL.createObjectURL(chosen);
    preview.hidden = false;
  });
  // A file the browser cannot show is no image: no broken picture (the server says why).
  preview.addEventListener("error", () => {
    preview.hidden = true;
    error.textContent = "That file does not look like a photo: choose a JPEG, PNG or WebP image.";
  });
  const asStory = new URLSearchParams(location.search).get("kind") === "story";
  const kindPhoto = h("input", { type: "radio", name: "kind", value: "photo", checked: !asStory });
  const kindStory = h("input", { type: "radio", name: "kind", value: "story", checked: asStory });
  const { field: captionField, text: caption } = countedText("Caption", { name: "caption" });
  const toggle = () => { captionField.hidden = kindStory.checked; };
  kindPhoto.addEventListener("change", toggle);
  kindStory.addEventListener("change", toggle);
  toggle();
  const progress = h("progress", { max: 1, value: 0, hidden: true, "aria-label": "Upload progress" });
  const submit = h("button", { type: "submit", class: "primary" }, "Share");
  const form = h(
    "form",
    {
      class: "stack",
      onsubmit: async (e) => {
        e.preventDefault();
        if (submit.disabled || !file.files.length) return;
        submit.disabled = true;
        error.textContent = "";
        progress.hidden = false;
        progress.value = 0;
        const onProgress = (fraction) => { progress.value = fraction; };
        try {
          const data = new FormData();
          if (kindStory.checked) {
            data.append("files", file.files[0]);
            data.append("duration", "5");
            await send(`/api/users/${enc(me.username)}/stories/upload`, data, onProgress);
            toast("Story posted");
            go("/", { replace: true });
          } else {
            data.append("file", file.files[0]);
            if (caption.value) data.append("caption", caption.value);
            const photo = await send(`/api/users/${enc(me.username)}/photos/upload`, data, onProgress);
            go(`/p/${enc(photo.username)}/${enc(photo.photoId)}`, { replace: true });
          }
        } catch (err) {
          error.textContent = err.message;
          submit.disabled = false;
          progress.hidden = true;
        }
      },
    },
    h("h1", {}, "New post"),
    h("fieldset", { class: "choices" }, h("legend", {}, "Post as"), h("label", { class: "choice" }, kindPhoto, "A photo"), h("label", { class: "choice" }, kindStory, "A story (24 hours)")),
    h("label", {}, "Image (JPEG, PNG or WebP)", file),
    h("p", { class: "muted hint" }, "Up to 15 MB."),
    preview,
    captionField,
    progress,
    error,
    submit,
  );
  view.container.append(form);
}
