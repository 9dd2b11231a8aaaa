// Booking form: show only the recurrence fields that apply to the chosen repetition, and
// the notice of a missing qualification for the chosen resource.
// The form works the same without this script (every field is then visible).
(function () {
  "use strict";
  var form = document.getElementById("booking-form");
  if (!form) { return; }

  function box(id) {
    var element = document.getElementById(id);
    if (!element) { return null; }
    return element.closest(".field, fieldset.choices") || element;
  }

  function checked(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function show(element, visible) {
    if (element) { element.hidden = !visible; }
  }

  function update() {
    var repeat = checked("repeat") || "none";
    var repeating = repeat !== "none";
    var ending = checked("ending") || "count";
    show(box("interval"), repeating);
    show(document.getElementById("weekdays-group"), repeat === "weekly");
    show(document.getElementById("ending-group"), repeating);
    show(box("count"), repeating && ending === "count");
    show(box("until"), repeating && ending === "until");
    show(document.getElementById("on_conflict-group"), repeating);
    var partner = document.getElementById("co_organisation_id");
    show(box("co_share"), Boolean(partner && partner.value));
    // The notice of a missing qualification follows the chosen resource.
    var resource = document.getElementById("resource_id");
    var chosen = resource ? resource.value : "";
    var notices = form.querySelectorAll(".qualification-notice[data-resource-id]");
    for (var i = 0; i < notices.length; i += 1) {
      notices[i].hidden = notices[i].getAttribute("data-resource-id") !== chosen;
    }
  }

  form.addEventListener("change", update);
  update();

  // A date the browser cannot read (31/02) would be sent empty and called missing:
  // send a marker instead, so that the page says the date does not exist.
  form.addEventListener("submit", function () {
    var dates = form.querySelectorAll('input[type="date"]');
    Array.prototype.forEach.call(dates, function (input) {
      if (!input.validity || !input.validity.badInput || !input.name) { return; }
      var marker = document.createElement("input");
      marker.type = "hidden";
      marker.name = input.name;
      marker.value = "nonexistent";
      input.removeAttribute("name");
      form.appendChild(marker);
    });
  });

  // The free times proposed after a clash fill the form's date and times when clicked
  // (without the script they are links to the form filled with them).
  function fill(id, value) {
    var input = document.getElementById(id);
    if (input) { input.value = value; }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-free-time]"), function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      fill("date", link.getAttribute("data-date"));
      fill("start_time", link.getAttribute("data-start"));
      fill("end_time", link.getAttribute("data-end"));
      fill("end_date", link.getAttribute("data-end-date") || "");
      var chosen = document.getElementById("free-time-chosen");
      if (chosen) {
        chosen.textContent = link.getAttribute("data-chosen") || "";
        chosen.hidden = false;
      }
      var start = document.getElementById("start_time");
      if (start) { start.focus(); }
    });
  });
})();
