// Captions, comments and bios with their #tags and @mentions as links, built as DOM nodes
// (text nodes and <a>s, never an HTML string). A tag follows the server's rule (letters,
// digits, "_", not inside a word); a mention links only if the server found that account
// when the text was written (`mentions`), so "@nobody" stays plain text.
import { enc, link } from "./dom.js";

const TOKEN = /(?<![\p{L}\p{N}_#&])#([\p{L}\p{N}\p{M}_]{1,100})(?![\p{L}\p{N}\p{M}_#])|(?<![\p{L}\p{N}_@.])@([A-Za-z0-9._]{1,30})/gu;

export function richText(text, mentions = []) {
  const known = new Set(mentions);
  const nodes = [];
  let at = 0;
  for (const match of text.matchAll(TOKEN)) {
    const [whole, tag, mention] = match;
    let name = mention ? mention.toLowerCase().replace(/\.+$/, "") : null;
    if (mention && !known.has(name)) continue;
    if (match.index > at) nodes.push(text.slice(at, match.index));
    if (tag) {
      nodes.push(link(`/tags/${enc(tag.normalize("NFC").toLowerCase())}`, { class: "tag" }, whole));
      at = match.index + whole.length;
    } else {
      // A trailing dot ends the sentence, not the username.
      const shown = `@${mention.slice(0, name.length)}`;
      nodes.push(link(`/u/${enc(name)}`, { class: "mention" }, shown));
      at = match.index + shown.length;
    }
  }
  if (at < text.length) nodes.push(text.slice(at));
  return nodes;
}
