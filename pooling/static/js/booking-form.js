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
})();
