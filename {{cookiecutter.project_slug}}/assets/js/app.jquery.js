// The page's JavaScript, bundled by esbuild into the static folder.
// jQuery asks Flask for JSON and writes the answer into the page.
import $ from "jquery";

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
