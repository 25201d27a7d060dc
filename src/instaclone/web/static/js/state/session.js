// Who is signed in (null when nobody), for every module; listeners redraw what depends on it.
const listeners = new Set();
export const session = { me: null };

export function setMe(user) {
  session.me = user;
  listeners.forEach((listen) => listen(user));
}

export function onSessionChange(listen) {
  listeners.add(listen);
}
