/* E-forms: enhancements only. Every form works without this file.
   - moves focus to the error summary so screen readers hear the problems first;
   - hides questions whose condition (on an answer in the same step) does not hold;
   - shows a Leaflet map that fills the latitude/longitude inputs;
   - turns "Print the receipt" into the browser's print dialog. */
(function () {
  "use strict";

  var summary = document.querySelector("[data-fb-error-summary]");
  if (summary) { summary.focus(); }

  function answer(name) {
    var inputs = document.querySelectorAll('[name="' + name + '"]');
    var values = [];
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { values.push(input.type === "checkbox" && input.value === "on" ? "yes" : input.value); }
      } else if (input.value) { values.push(input.value); }
    });
    return values;
  }

  function holds(el) {
    var values = answer(el.getAttribute("data-fb-if"));
    var op = el.getAttribute("data-fb-op");
    var expected = el.getAttribute("data-fb-value");
    if (op === "gt" || op === "lte") {
      var n = parseFloat(values[0]);
      if (isNaN(n)) { return false; }
      return op === "gt" ? n > parseFloat(expected) : n <= parseFloat(expected);
    }
    var match = values.indexOf(expected) !== -1 || (expected === "no" && values.length === 0);
    return op === "ne" ? !match : match;
  }

  var conditional = document.querySelectorAll("[data-fb-if]");
  function refresh() {
    Array.prototype.forEach.call(conditional, function (el) { el.hidden = !holds(el); });
  }
  if (conditional.length) {
    Array.prototype.forEach.call(document.querySelectorAll(".fb-if-note"), function (note) { note.hidden = true; });
    document.addEventListener("change", refresh);
    document.addEventListener("input", refresh);
    refresh();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-fb-map]"), function (box) {
    if (!window.L) { return; }
    var lat = document.getElementById(box.getAttribute("data-lat"));
    var lng = document.getElementById(box.getAttribute("data-lng"));
    var center = (box.getAttribute("data-center") || "13.75,100.5").split(",").map(parseFloat);
    box.hidden = false;
    box.setAttribute("role", "application");
    box.setAttribute("aria-label", box.getAttribute("data-label"));
    var map = window.L.map(box).setView(center, 15);
    window.L.tileLayer(box.getAttribute("data-tiles"), {maxZoom: 19, attribution: "© OpenStreetMap"}).addTo(map);
    var marker = null;
    function put(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = window.L.marker(latlng).addTo(map); }
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
    }
    if (lat.value && lng.value) {
      var start = window.L.latLng(parseFloat(lat.value), parseFloat(lng.value));
      put(start);
      map.setView(start, 17);
    }
    map.on("click", function (event) { put(event.latlng); });
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-fb-print]"), function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); window.print(); });
  });
})();
