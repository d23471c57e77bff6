// Adds a Copy button beside every read-only address field. Without JavaScript the field
// itself is selectable, so nothing is lost.
(function () {
  "use strict";
  document.querySelectorAll("input.copy-field").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
    if (!navigator.clipboard) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary copy-button";
    button.textContent = field.dataset.copy;
    var label = document.querySelector("label[for='" + field.id + "']");
    if (label) { button.setAttribute("aria-label", field.dataset.copy + ": " + label.textContent); }
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    var timer = null;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        // A second copy restarts the time the status shows rather than being cut short
        // by the first one's timer.
        window.clearTimeout(timer);
        status.textContent = field.dataset.copied;
        timer = window.setTimeout(function () { status.textContent = ""; }, 4000);
      }, function () { field.focus(); field.select(); });
    });
    field.parentNode.appendChild(button);
    field.parentNode.appendChild(status);
  });
})();
