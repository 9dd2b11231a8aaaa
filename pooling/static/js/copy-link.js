/* Calendar feed addresses: select the whole address on focus, and add a "Copy" button. */
(function () {
  "use strict";

  var list = document.querySelector("[data-copy-label]");
  if (!list) {
    return;
  }
  // The words come translated from the page.
  var copyLabel = list.dataset.copyLabel;
  var doneLabel = list.dataset.copiedLabel;
  var fields = list.querySelectorAll("input[data-copy]");

  Array.prototype.forEach.call(fields, function (input) {
    input.addEventListener("focus", function () {
      input.select();
    });
    if (!navigator.clipboard) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button small";
    button.textContent = copyLabel;
    button.setAttribute("aria-label", copyLabel + " " + (input.labels[0] ? input.labels[0].textContent : ""));
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = doneLabel;
        window.setTimeout(function () {
          button.textContent = copyLabel;
        }, 2000);
      });
    });
    input.insertAdjacentElement("afterend", button);
  });
})();
