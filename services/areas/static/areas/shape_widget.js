/* Draw an area on a map into its GeoJSON textarea (services/areas/forms.py ShapeWidget).
   Without JavaScript or Leaflet the textarea alone stays: paste GeoJSON there. The map shows the
   shape in the textarea; "Draw a new boundary" starts a polygon whose corners are added by
   clicking, and the textarea is rewritten as a closed GeoJSON Polygon after each click. */
(function () {
  "use strict";
  // Wagtail puts form media in the page's head: wait for the form below it.
  function start() {
    if (!window.L) { return; }
    document.querySelectorAll("[data-area-map]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  function draw(box) {
    var textarea = document.getElementById(box.getAttribute("data-textarea"));
    var tools = box.parentNode.querySelector("[data-area-tools]");
    if (!textarea) { return; }
    box.hidden = false;
    if (tools) { tools.hidden = false; }
    var map = window.L.map(box, {scrollWheelZoom: false}).setView([13.75, 100.5], 6);
    window.L.tileLayer(box.getAttribute("data-tiles"), {maxZoom: 19, attribution: "© OpenStreetMap"}).addTo(map);
    var shown = null;
    var drawing = null;

    function show() {
      if (shown) { map.removeLayer(shown); shown = null; }
      var data;
      try { data = JSON.parse(textarea.value); } catch (e) { return; }
      try {
        shown = window.L.geoJSON(data).addTo(map);
        var bounds = shown.getBounds();
        if (bounds.isValid()) { map.fitBounds(bounds, {maxZoom: 17}); }
      } catch (e) { shown = null; }
    }

    function write() {
      if (!drawing || drawing.length < 3) { return; }
      var ring = drawing.map(function (p) { return [+p.lng.toFixed(6), +p.lat.toFixed(6)]; });
      ring.push(ring[0]);
      textarea.value = JSON.stringify({type: "Polygon", coordinates: [ring]});
      show();
    }

    map.on("click", function (event) {
      if (!drawing) { return; }
      drawing.push(event.latlng);
      if (drawing.length < 3 && shown) { map.removeLayer(shown); shown = null; }
      if (drawing.length < 3) {
        shown = window.L.polyline(drawing).addTo(map);
      } else {
        write();
      }
    });
    if (tools) {
      tools.addEventListener("click", function (event) {
        var action = event.target.getAttribute("data-area-action");
        if (action === "new") { drawing = []; box.focus(); }
        if (action === "undo" && drawing && drawing.length) { drawing.pop(); write(); }
      });
    }
    textarea.addEventListener("change", show);
    show();
  }
})();
