// The page's JavaScript, bundled by esbuild into the static folder.
// A Vue component, mounted on #server-info, that renders JSON from Flask.
import { createApp, h, onMounted, ref } from "vue";

import { csrfFetch } from "./csrf.js";

const ServerInfo = {
  props: { url: { type: String, required: true } },

  setup(props) {
    const info = ref(null);
    const error = ref(null);

    async function load() {
      try {
        const response = await csrfFetch(props.url, { headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        info.value = await response.json();
        error.value = null;
      } catch (caught) {
        error.value = caught.message;
      }
    }

    onMounted(load);

    return () => [
      error.value
        ? h("p", { class: "notice" }, `Could not load: ${error.value}`)
        : info.value
          ? h("p", { id: "server-message" }, [
              `${info.value.message} at `,
              h("time", { datetime: info.value.served_at }, info.value.served_at),
            ])
          : h("p", "Loading…"),
      h("button", { type: "button", class: "button", onClick: load }, "Ask again"),
    ];
  },
};

const root = document.getElementById("server-info");
if (root) {
  createApp(ServerInfo, { url: root.dataset.url }).mount(root);
}

// fetch() with the CSRF token on POST, PUT, PATCH and DELETE, for the
// components of your own (and for other modules that import the bundle).
export { csrfFetch };
