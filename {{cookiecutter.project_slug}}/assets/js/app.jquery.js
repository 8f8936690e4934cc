// The page's JavaScript, bundled by esbuild into the static folder.
// jQuery asks Flask for JSON and writes the answer into the page.
import $ from "jquery";

import { csrfToken, isUnsafe } from "./csrf.js";

// $.post, $.ajax({ method: "DELETE" }) and the like carry the CSRF token that
// Flask-WTF checks; requests to other sites never see it.
$.ajaxPrefilter((options, _original, request) => {
  if (isUnsafe(options.type) && !options.crossDomain) {
    request.setRequestHeader("X-CSRFToken", csrfToken());
  }
});

$(() => {
  $("#ask-server").on("click", function () {
    const output = $("#server-info");
    $.getJSON($(this).data("url"))
      .done((info) => {
        const time = $("<time>").attr("datetime", info.served_at).text(info.served_at);
        output.empty().append($('<p id="server-message">').text(`${info.message} at `).append(time));
      })
      .fail((request) => {
        output.empty().append($('<p class="notice">').text(`Could not load: ${request.status}`));
      });
  });
});

// This jQuery, CSRF header wired, for other modules that import the bundle.
export { $ };
