// Bundles the JavaScript{% if cookiecutter.css == "plain" %} and the stylesheet{% endif %} into the Flask static folder,
// where Flask-Static-Digest fingerprints and compresses them.
//
//   node esbuild.config.mjs          production build, minified (npm run build)
//   node esbuild.config.mjs --watch  rebuild on every change (npm run watch:js)
import * as esbuild from "esbuild";

const watch = process.argv.includes("--watch");

const options = {
  entryPoints: {
    "js/app": "js/app.{{ "jsx" if cookiecutter.frontend == "react" else "js" }}",
{%- if cookiecutter.css == "plain" %}
    "css/app": "css/app.css",
{%- endif %}
  },
  outdir: "../{{ cookiecutter.package_name }}/static",
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: !watch,
  sourcemap: watch ? "inline" : false,
{%- if cookiecutter.frontend == "react" %}
  jsx: "automatic",
{%- endif %}
  define: {
    "process.env.NODE_ENV": JSON.stringify(watch ? "development" : "production"),
{%- if cookiecutter.frontend == "vue" %}
    // Vue's compile-time flags: no Options API, no devtools in production.
    __VUE_OPTIONS_API__: "false",
    __VUE_PROD_DEVTOOLS__: "false",
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false",
{%- endif %}
  },
  logLevel: "info",
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
