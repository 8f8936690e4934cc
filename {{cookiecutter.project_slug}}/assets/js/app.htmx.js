// The page's JavaScript, bundled by esbuild into the static folder.
// htmx reads the hx-* attributes of the HTML; the only code of our own sends
// the CSRF token with the requests that change something.
import "htmx.org";

import { csrfToken, isUnsafe } from "./csrf.js";

// hx-post, hx-put, hx-patch and hx-delete (and htmx.ajax) carry X-CSRFToken.
document.addEventListener("htmx:config:request", (event) => {
  const { request } = event.detail.ctx;
  if (isUnsafe(request.method)) request.headers["X-CSRFToken"] = csrfToken();
});
