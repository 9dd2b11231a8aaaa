/* The per-resource calendar: FullCalendar fed by the JSON API, configured by data- attributes.
 *
 * Time zones: the calendar must show the pole's wall-clock times whatever the browser's zone.
 * FullCalendar is therefore run in its 'UTC' zone, used only as a neutral wall clock that never
 * skips nor repeats an hour: every time given to it is the pole's local wall-clock time written
 * without offset (the API's start_local/end_local with the offset cut off), and every time read
 * back from it (a selected range) is formatted with the UTC getters, i.e. as that same wall
 * clock. Real instants (with Z) are only used to ask the API for a window, padded by a day on
 * each side because the pole's offset is not known here; what falls outside the view is simply
 * not drawn. "Now" is the pole's wall clock given by the server, advanced by the time elapsed.
 */
(function () {
  "use strict";

  var container = document.getElementById("resource-calendar");
  if (!container || typeof FullCalendar === "undefined") {
    return;
  }
  var data = container.dataset;
  var quantity = parseInt(data.quantity, 10) || 1;
  var pageLoaded = Date.now();
  var nowWall = Date.parse(data.now + "Z");
  var loadedIntervals = [];
  var DAY = 24 * 3600 * 1000;

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  /* A wall-clock Date (held in FullCalendar's UTC zone) as "YYYY-MM-DDTHH:MM". */
  function wallText(date) {
    return date.getUTCFullYear() + "-" + pad(date.getUTCMonth() + 1) + "-" + pad(date.getUTCDate()) +
      "T" + pad(date.getUTCHours()) + ":" + pad(date.getUTCMinutes());
  }

  /* "2027-01-12T14:00:00+01:00" -> "2027-01-12T14:00:00": the pole's wall clock, no offset. */
  function wallOf(localText) {
    return localText.slice(0, 19);
  }

  function label(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_match, key) {
      return String(values[key]);
    });
  }

  /* Every page of a list answer of the API (it follows the "next" links). */
  function fetchAll(url, key) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (body) {
        var items = body[key] || [];
        if (body.next) {
          return fetchAll(body.next, key).then(function (rest) {
            return items.concat(rest);
          });
        }
        return items;
      });
  }

  function withParams(base, params) {
    var query = Object.keys(params).map(function (name) {
      return encodeURIComponent(name) + "=" + encodeURIComponent(params[name]);
    }).join("&");
    return base + (base.indexOf("?") === -1 ? "?" : "&") + query;
  }

  function bookingEvent(booking) {
    var title = booking.title || data.labelBooked;
    if (quantity > 1) {
      title += " (× " + booking.quantity + ")";
    }
    if (booking.status === "pending") {
      title = data.labelPending + " · " + title;
    }
    return {
      id: "booking-" + booking.id,
      title: title,
      start: wallOf(booking.start_local),
      end: wallOf(booking.end_local),
      classNames: ["booking", "booking-" + booking.status],
      url: data.bookingUrl.replace("__id__", booking.id),
      extendedProps: { status: booking.status }
    };
  }

  /* The parts of [start, end) that no booking covers (wall-clock texts compare as strings). */
  function uncovered(start, end, bookings) {
    var pieces = [[start, end]];
    bookings.forEach(function (booking) {
      var from = wallOf(booking.start_local);
      var to = wallOf(booking.end_local);
      pieces = pieces.reduce(function (kept, piece) {
        if (to <= piece[0] || piece[1] <= from) {
          kept.push(piece);
          return kept;
        }
        if (piece[0] < from) {
          kept.push([piece[0], from]);
        }
        if (to < piece[1]) {
          kept.push([to, piece[1]]);
        }
        return kept;
      }, []);
    });
    return pieces;
  }

  /* Background events: closed or out-of-hours time greyed, free units of equipment labelled. */
  function availabilityEvents(intervals, bookings) {
    var events = [];
    intervals.forEach(function (interval, index) {
      var start = wallOf(interval.start_local);
      var end = wallOf(interval.end_local);
      if (end <= start) {
        return;
      }
      var free = interval.available_quantity;
      if (free === 0) {
        // Nothing free: what the bookings do not cover is closed (a booking that ends at
        // closing time shares its interval with the night that follows); equipment keeps
        // its "0 of N free" label where the bookings are.
        var cursor = start;
        uncovered(start, end, bookings).concat([[end, end]]).forEach(function (piece, part) {
          if (quantity > 1 && cursor < piece[0]) {
            events.push({
              id: "units-" + index + "-" + part, start: cursor, end: piece[0], display: "background",
              classNames: ["units", "units-low"], title: label(data.labelUnits, { free: 0, total: quantity })
            });
          }
          if (piece[0] < piece[1]) {
            events.push({
              id: "closed-" + index + "-" + part, start: piece[0], end: piece[1], display: "background",
              // Say why: the closure and its reason, the public holiday, the opening hours.
              classNames: ["closed"].concat(interval.reason ? ["closed-" + interval.reason.kind] : []),
              title: interval.reason ? interval.reason.text : data.labelClosed
            });
          }
          cursor = piece[1];
        });
      } else if (quantity > 1) {
        events.push({
          id: "units-" + index, start: start, end: end, display: "background",
          classNames: ["units", free * 2 < quantity ? "units-low" : "units-ok"],
          title: label(data.labelUnits, { free: free, total: quantity })
        });
      }
    });
    return events;
  }

  function loadEvents(info, success, failure) {
    // API times are UTC instants; the wall-clock window is widened by a day on each side.
    var start = new Date(info.start.getTime() - DAY).toISOString().slice(0, 19) + "Z";
    var end = new Date(info.end.getTime() + DAY).toISOString().slice(0, 19) + "Z";
    Promise.all([
      fetchAll(withParams(data.bookingsUrl, { resource_id: data.resourceId, start: start, end: end, limit: 500 }), "items"),
      fetchAll(withParams(data.availabilityUrl, { start: start, end: end }), "intervals")
    ]).then(function (answers) {
      var bookings = answers[0].filter(function (booking) {
        return booking.status === "pending" || booking.status === "confirmed";
      });
      loadedIntervals = answers[1];
      success(bookings.map(bookingEvent).concat(availabilityEvents(answers[1], bookings)));
    }).catch(function (error) {
      showError();
      failure(error);
    });
  }

  function showError() {
    if (document.getElementById("resource-calendar-error")) {
      return;
    }
    var message = document.createElement("p");
    message.id = "resource-calendar-error";
    message.className = "calendar-error";
    message.setAttribute("role", "alert");
    message.textContent = data.labelError;
    container.parentNode.insertBefore(message, container);
  }

  /* A range can be selected when every piece of it has at least one free unit. */
  function isFree(range) {
    var start = wallText(range.start) + ":00";
    var end = wallText(range.end) + ":00";
    var touched = loadedIntervals.filter(function (interval) {
      return wallOf(interval.start_local) < end && start < wallOf(interval.end_local);
    });
    return touched.length > 0 && touched.every(function (interval) {
      return interval.available_quantity > 0;
    });
  }

  var waitlistForm = document.getElementById("calendar-waitlist");

  var calendar = new FullCalendar.Calendar(container, {
    timeZone: "UTC",
    locale: data.locale === "fr" ? "fr" : "en",
    firstDay: 1,
    initialView: window.matchMedia("(max-width: 640px)").matches ? "timeGridDay" : "timeGridWeek",
    initialDate: data.initialDate,
    now: function () {
      return new Date(nowWall + (Date.now() - pageLoaded));
    },
    headerToolbar: { left: "prev,next today", center: "title", right: "timeGridDay,timeGridWeek,dayGridMonth" },
    // Text buttons: the icon font is a data: URI that the Content-Security-Policy refuses.
    buttonIcons: false,
    allDaySlot: false,
    nowIndicator: true,
    scrollTime: "07:00:00",
    slotDuration: "01:00:00",
    snapDuration: "00:15:00",
    height: "auto",
    expandRows: true,
    slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    selectable: data.bookable === "true",
    selectMirror: true,
    unselectAuto: true,
    // A taken range can be selected too when the person may wait for it (the waitlist).
    selectAllow: function (range) {
      return range.allDay || isFree(range) || waitlistForm !== null;
    },
    select: function (selection) {
      if (selection.allDay) {
        calendar.changeView("timeGridDay", selection.startStr.slice(0, 10));
        return;
      }
      if (!isFree(selection)) {
        if (window.confirm(data.labelJoin)) {
          waitlistForm.elements.start.value = wallText(selection.start);
          waitlistForm.elements.end.value = wallText(selection.end);
          waitlistForm.submit();
        } else {
          calendar.unselect();
        }
        return;
      }
      window.location.assign(withParams(data.bookingFormUrl, {
        resource_id: data.resourceId,
        start: wallText(selection.start),
        end: wallText(selection.end)
      }));
    },
    navLinks: true,
    events: loadEvents,
    // Month view: a day cell is named by its content (the day and its bookings), not by its
    // number alone; a weekday heading carries its full name on the heading cell, since a
    // link without a target cannot carry a label.
    dayCellDidMount: function (info) {
      if (info.el.getAttribute("role") === "gridcell") {
        info.el.removeAttribute("aria-labelledby");
      }
    },
    dayHeaderDidMount: function (info) {
      var link = info.el.querySelector("a[aria-label]:not([data-navlink])");
      if (link) {
        info.el.setAttribute("aria-label", link.getAttribute("aria-label"));
        link.removeAttribute("aria-label");
      }
    },
    datesSet: function () {
      // FullCalendar labels the view with its title on a plain div, where a label is not
      // announced: a region carries it ("21 – 27 Dec 2026").
      var harness = container.querySelector(".fc-view-harness");
      if (harness) {
        harness.setAttribute("role", "region");
      }
    }
  });
  calendar.render();
})();
