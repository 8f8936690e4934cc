// The page's JavaScript, bundled by esbuild into the static folder.
// Turbo Drive follows links and forms without full page reloads; Stimulus
// connects the controllers named in data-controller attributes.
import "@hotwired/turbo";
import { Application } from "@hotwired/stimulus";

import CounterController from "./controllers/counter_controller.js";

const application = Application.start();
application.register("counter", CounterController);
