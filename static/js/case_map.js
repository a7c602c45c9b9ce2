/* The reported location on the staff case page (templates/services/cases/admin/detail.html).
   The coordinates and map links are in the page already; this only draws the map, so the
   box stays hidden without JavaScript or when Leaflet did not load. */
(function () {
  "use strict";
  var box = document.getElementById("case-map");
  if (!box || !window.L) { return; }
  var point = [parseFloat(box.getAttribute("data-lat")), parseFloat(box.getAttribute("data-lng"))];
  if (isNaN(point[0]) || isNaN(point[1])) { return; }
  box.hidden = false;
  // Scrolling the page must not zoom the map by accident; buttons and keys still zoom.
  var map = window.L.map(box, {scrollWheelZoom: false}).setView(point, 17);
  window.L.tileLayer(box.getAttribute("data-tiles"), {maxZoom: 19, attribution: "© OpenStreetMap"}).addTo(map);
  window.L.marker(point, {alt: box.getAttribute("data-label"), keyboard: false}).addTo(map);
})();
