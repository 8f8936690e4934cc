// The page's JavaScript, bundled by esbuild into the static folder.
// htmx reads the hx-* attributes of the HTML: no code of our own is needed.
import "htmx.org";
