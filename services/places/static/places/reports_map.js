/* The map over the public reports list (services/places/templates/places/report_list.html).
   The list works without this: the map section stays hidden unless Leaflet and its cluster
   plugin loaded. The map asks /<lang>/reports.geojson for the visible box (with the page's
   filters) whenever it stops moving, and groups near reports into numbered clusters. */
(function () {
  "use strict";
  var section = document.querySelector("[data-reports-map]");
  var box = document.getElementById("reports-map");
  var L = window.L;
  if (!section || !box || !L || !L.markerClusterGroup) { return; }
  var status = section.querySelector("[data-reports-map-status]");
  var TOWN = 0.05; // degrees, about 5 km
  section.hidden = false;

  var map = L.map(box, {scrollWheelZoom: false});
  L.tileLayer(box.getAttribute("data-tiles"), {maxZoom: 19, attribution: "© OpenStreetMap"}).addTo(map);
  // Around the reports when they fit a town; otherwise the middle of them at street level, so a
  // phone asks for a few hundred reports, not the thousand of a whole province.
  var extent = (box.getAttribute("data-extent") || "").split(",").map(parseFloat);
  if (extent.length === 4 && extent.every(isFinite)) {
    if (extent[2] - extent[0] <= TOWN && extent[3] - extent[1] <= TOWN) {
      map.fitBounds([[extent[0], extent[1]], [extent[2], extent[3]]], {padding: [24, 24], maxZoom: 16});
    } else {
      map.setView([(extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2], 14);
    }
  } else {
    var centre = (box.getAttribute("data-center") || "").split(",").map(parseFloat);
    map.setView(centre.length === 2 && centre.every(isFinite) ? centre : [13.75, 100.5], 14);
  }

  var clusters = L.markerClusterGroup({
    showCoverageOnHover: false,
    iconCreateFunction: function (cluster) {
      var count = cluster.getChildCount();
      var size = count < 10 ? 36 : count < 100 ? 44 : 52;
      return L.divIcon({
        html: "<span>" + count + "</span>",
        className: "report-cluster",
        iconSize: L.point(size, size)
      });
    }
  }).addTo(map);

  // The page's own filters (service, status, community, dates) apply to the map too.
  var filters = new URLSearchParams(window.location.search);
  filters.delete("page");
  filters.delete("bbox");
  var markerLabel = box.getAttribute("data-marker-label");
  var openLabel = box.getAttribute("data-open-label");
  var pending = null;
  var timer = null;

  function popup(properties, statuses) {
    var body = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = properties.service;
    body.appendChild(title);
    var line = document.createElement("p");
    line.textContent = (statuses[properties.status] || "") + " · " + properties.date;
    body.appendChild(line);
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = openLabel + " " + properties.ref;
    body.appendChild(link);
    return body;
  }

  function load() {
    var bounds = map.getBounds();
    filters.set("bbox", [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
      .map(function (n) { return n.toFixed(5); }).join(","));
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(box.getAttribute("data-geojson") + "?" + filters.toString(), {signal: pending.signal, headers: {Accept: "application/geo+json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        var markers = data.features.map(function (feature) {
          var p = feature.properties;
          var c = feature.geometry.coordinates;
          var marker = L.marker([c[1], c[0]], {alt: markerLabel + " " + p.ref + ": " + p.service, title: p.service, keyboard: true});
          marker.bindPopup(popup(p, data.statuses));
          return marker;
        });
        clusters.clearLayers();
        clusters.addLayers(markers);
        box.setAttribute("data-loaded", String(markers.length));
        status.textContent = data.capped || data.clipped ? status.getAttribute("data-capped") : "";
      })
      .catch(function (error) {
        if (error.name !== "AbortError") { status.textContent = status.getAttribute("data-failed"); }
      });
  }

  map.on("moveend", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(load, 250);
  });
  load();
})();
