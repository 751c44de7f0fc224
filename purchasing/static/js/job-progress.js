/* Job page: refresh the progress bar from /jobs/<id>/status, reload the page when the job has finished.
   Without JavaScript the page's "Actualiser la page" link does the same. No inline script (CSP). */
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box || !window.fetch) {
    return;
  }
  var bar = document.getElementById("job-progress-bar");
  var text = document.getElementById("job-progress-text");
  var status = document.getElementById("job-status");
  var delay = 1000;

  function show(state) {
    if (state.total !== null && state.total !== undefined) {
      bar.max = state.total;
      bar.value = state.done;
    }
    if (text.textContent !== state.text) {
      text.textContent = state.text;
    }
    if (status && status.textContent !== state.status_label) {
      status.textContent = state.status_label;
    }
  }

  function poll() {
    fetch(box.getAttribute("data-job-status-url"), {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, delay);
}());
