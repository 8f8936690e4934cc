// Flask-WTF refuses a POST, PUT, PATCH or DELETE that does not carry the
// session's CSRF token (400). The layout puts the token in
// <meta name="csrf-token">; JavaScript sends it back in the X-CSRFToken header.
const SAFE_METHODS = ["GET", "HEAD", "OPTIONS", "TRACE"];

export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content ?? "";
}

export function isUnsafe(method = "GET") {
  return !SAFE_METHODS.includes(method.toUpperCase());
}

// fetch(), with the token on every unsafe request to this site (never to another).
export function csrfFetch(resource, options = {}) {
  const headers = new Headers(options.headers);
  const sameOrigin = new URL(resource, window.location.href).origin === window.location.origin;
  if (isUnsafe(options.method) && sameOrigin) headers.set("X-CSRFToken", csrfToken());
  return fetch(resource, { ...options, headers });
}
