/* E-forms: enhancements only. Every form works without this file.
   - moves focus to the error summary so screen readers hear the problems first;
   - hides questions whose condition (on an answer in the same step) does not hold;
   - shows a Leaflet map that fills the latitude/longitude inputs (tap, or arrow keys and Enter),
     with "Pin the centre of the map" and "Use my location" buttons;
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
    var lat = document.getElementById(box.getAttribute("data-lat"));
    var lng = document.getElementById(box.getAttribute("data-lng"));
    var tools = box.parentNode.querySelector("[data-fb-map-tools]");
    var status = tools && tools.querySelector("[data-fb-map-status]");
    var pinButton = tools && tools.querySelector("[data-fb-pin-centre]");
    var locateButton = tools && tools.querySelector("[data-fb-locate]");
    var map = null;
    var marker = null;

    function say(name) {
      var message = tools.querySelector("[data-fb-msg-" + name + "]");
      if (status && message) { status.textContent = message.innerHTML.replace(/&amp;/g, "&"); }
    }
    function fill(latitude, longitude) {
      lat.value = latitude.toFixed(6);
      lng.value = longitude.toFixed(6);
    }
    function put(latlng) {
      if (map) {
        if (marker) { marker.setLatLng(latlng); } else { marker = window.L.marker(latlng, {keyboard: false}).addTo(map); }
      }
      fill(latlng.lat, latlng.lng);
    }

    if (window.L) {
      var center = (box.getAttribute("data-center") || "13.75,100.5").split(",").map(parseFloat);
      box.hidden = false;
      box.setAttribute("role", "application");
      box.setAttribute("aria-label", box.getAttribute("data-label"));
      // Leaflet moves a focused map with the arrow keys and zooms with + and -; Enter pins the
      // centre, marked by the crosshair, so the map can be used without a mouse or a finger.
      map = window.L.map(box, {keyboard: true}).setView(center, 15);
      window.L.tileLayer(box.getAttribute("data-tiles"), {maxZoom: 19, attribution: "© OpenStreetMap"}).addTo(map);
      if (lat.value && lng.value) {
        var start = window.L.latLng(parseFloat(lat.value), parseFloat(lng.value));
        put(start);
        map.setView(start, 17);
      }
      map.on("click", function (event) { put(event.latlng); });
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          put(map.getCenter());
          say("pinned");
        }
      });
      if (pinButton) {
        pinButton.addEventListener("click", function () { put(map.getCenter()); say("pinned"); });
      }
    } else if (pinButton) {
      pinButton.hidden = true;  // no map, no centre: the location button and the boxes remain
    }

    if (tools) {
      tools.hidden = false;
      if (!navigator.geolocation && locateButton) { locateButton.hidden = true; }
    }
    if (locateButton && navigator.geolocation) {
      locateButton.addEventListener("click", function () {
        say("locating");
        navigator.geolocation.getCurrentPosition(function (position) {
          var here = {lat: position.coords.latitude, lng: position.coords.longitude};
          if (map) {
            here = window.L.latLng(here.lat, here.lng);
            map.setView(here, 17);
          }
          put(here);
          say("located");
        }, function () { say("failed"); }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
      });
    }
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-fb-print]"), function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); window.print(); });
  });
})();
