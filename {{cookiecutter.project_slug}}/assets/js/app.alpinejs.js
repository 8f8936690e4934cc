// The page's JavaScript, bundled by esbuild into the static folder.
// Alpine brings the x-data components of the HTML to life. Its CSP build
// parses the expressions itself, so the app's Content-Security-Policy can
// keep forbidding eval: expressions name properties and methods, like
// x-text="errorText", and the logic lives here.
import Alpine from "@alpinejs/csp";

import { csrfFetch } from "./csrf.js";

// x-data="serverInfo" data-url="...": loads JSON from Flask on demand.
Alpine.data("serverInfo", () => ({
  info: null,
  error: null,

  get errorText() {
    return `Could not load: ${this.error}`;
  },

  async load() {
    try {
      const response = await csrfFetch(this.$root.dataset.url, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      this.info = await response.json();
      this.error = null;
    } catch (error) {
      this.error = error.message;
    }
  },
}));

window.Alpine = Alpine;
Alpine.start();

// fetch() with the CSRF token on POST, PUT, PATCH and DELETE, for the
// components of your own (and for other modules that import the bundle).
export { csrfFetch };
