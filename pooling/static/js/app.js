/* Every page: the compact menu of small screens, and the question asked before destroying.
 *
 * Without JavaScript the menu stays open (it wraps) and a destructive form's server answers
 * with a confirmation page; with it, the menu folds behind a button and a <dialog> asks first.
 */
(function () {
  "use strict";

  function setUpMenu() {
    var header = document.querySelector(".topbar");
    var toggle = header && header.querySelector(".menu-toggle");
    if (!toggle) return;
    header.classList.add("js-menu");
    toggle.addEventListener("click", function () {
      var open = header.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("open")) {
        header.classList.remove("open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }

  // A form (or its submit button) with data-confirm="question" is sent only once the person
  // accepts; the accepted form carries confirmed=1, which the server asks for otherwise.
  function setUpConfirmation() {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var question = dialog.querySelector(".confirm-question");
    var warning = dialog.querySelector(".confirm-warning");
    var accept = dialog.querySelector(".confirm-accept");
    var pending = null;

    document.addEventListener("submit", function (event) {
      var form = event.target;
      var submitter = event.submitter || null;
      var source = submitter && submitter.hasAttribute("data-confirm") ? submitter : form;
      if (!source.hasAttribute || !source.hasAttribute("data-confirm")) return;
      if (form.querySelector("input[name=confirmed][value='1']")) return;
      event.preventDefault();
      pending = { form: form, submitter: submitter };
      question.textContent = source.getAttribute("data-confirm");
      var warningText = source.getAttribute("data-confirm-warning") || form.getAttribute("data-confirm-warning");
      warning.textContent = warningText || "";
      warning.hidden = !warningText;
      accept.textContent = source.getAttribute("data-confirm-button") || accept.getAttribute("data-default-label");
      dialog.returnValue = "";
      dialog.showModal();
    });

    dialog.addEventListener("close", function () {
      var chosen = pending;
      pending = null;
      if (!chosen || dialog.returnValue !== "confirm") return;
      var marker = document.createElement("input");
      marker.type = "hidden";
      marker.name = "confirmed";
      marker.value = "1";
      chosen.form.appendChild(marker);
      if (chosen.submitter && typeof chosen.form.requestSubmit === "function") {
        chosen.form.requestSubmit(chosen.submitter);
      } else {
        chosen.form.submit();
      }
    });
  }

  // Print buttons of the statements and reports (without JavaScript they stay hidden).
  function setUpPrinting() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  setUpMenu();
  setUpConfirmation();
  setUpPrinting();
})();
