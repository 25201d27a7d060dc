// The one way to the API: CSRF header on writes, JSON in and out, errors that say what
// happened and what to do (never "Failed to fetch").

export class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function cookie(name) {
  const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

const FRIENDLY = {
  413: "That is too big to send: a photo may be at most 15 MB.",
  429: "Too many tries in a row. Wait a minute, then try again.",
  503: "instaclone is busy or restarting. Try again in a moment.",
  507: "There is no room to store that right now. Try again later.",
};

function friendly(status, code, message) {
  if (FRIENDLY[status]) return FRIENDLY[status];
  if (status === 401 && code === "unauthorized") return "Please log in first.";
  if (status >= 500) return "Something went wrong on our side. Try again in a moment.";
  return message || "That did not work. Try again.";
}

// Called when the server says this browser is no longer signed in (logged out in another
// tab, session ended elsewhere): main.js sends the reader to log in, and back afterwards.
let onSignedOut = () => {};
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

const OFFLINE = "Can't reach instaclone: check your connection, then try again.";

function request(method, path, body, signal) {
  const options = { method, headers: {}, credentials: "same-origin", signal };
  if (method !== "GET") options.headers["X-CSRF-Token"] = cookie("csrf");
  if (body instanceof FormData) options.body = body;
  else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  return options;
}

export async function api(method, path, body, { signal } = {}) {
  let response;
  try {
    response = await fetch(path, request(method, path, body, signal));
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(OFFLINE, 0, "offline");
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const code = data.error && data.error.code;
    if (response.status === 401 && code === "unauthorized") onSignedOut();
    throw new ApiError(friendly(response.status, code, data.error && data.error.message), response.status, code);
  }
  return data;
}

// An upload with progress (fetch cannot report it): onProgress(fraction 0..1).
export function upload(path, form, onProgress, method = "POST") {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.setRequestHeader("X-CSRF-Token", cookie("csrf"));
    xhr.upload.addEventListener("progress", (e) => e.lengthComputable && onProgress(e.loaded / e.total));
    xhr.addEventListener("error", () => reject(new ApiError(OFFLINE, 0, "offline")));
    xhr.addEventListener("load", () => {
      let data = {};
      try {
        data = JSON.parse(xhr.responseText);
      } catch (e) {
        // not JSON: an error from in front of the app
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else {
        const code = data.error && data.error.code;
        if (xhr.status === 401 && code === "unauthorized") onSignedOut();
        reject(new ApiError(friendly(xhr.status, code, data.error && data.error.message), xhr.status, code));
      }
    });
    xhr.send(form);
  });
}

export const page = (path, limit, cursor) =>
  `${path}${path.includes("?") ? "&" : "?"}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
