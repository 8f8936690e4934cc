// The page's JavaScript, bundled by esbuild into the static folder.
// Turbo Drive follows links and forms without full page reloads; Stimulus
// connects the controllers named in data-controller attributes.
//
// CSRF: Turbo sends the layout's <meta name="csrf-token"> in the X-CSRF-Token
// header of every form it submits with POST, PUT, PATCH or DELETE (and of
// data-turbo-method links), and Flask-WTF reads that header: no code needed.
// A form Turbo does not handle (data-turbo="false") carries a hidden
// csrf_token field, filled by the csrf_token() function of the templates.
import "@hotwired/turbo";
import { Application } from "@hotwired/stimulus";

import CounterController from "./controllers/counter_controller.js";

const application = Application.start();
application.register("counter", CounterController);
