/* The map over the public reports list (services/places/templates/places/report_list.html).
   The list works without this: the map section is hidden without JavaScript (reports.css). The
   server drew the map's first view into the page (places/first_view.html: the clusters and pins
   of the reports there, where Leaflet will draw them), shown with the page's first paint; this
   gives that drawing its map tiles. Leaflet, its cluster plugin and their CSS are not in the page's
   head (fetching them there took bandwidth the list's stylesheets needed for the first paint):
   they are added here, once the stylesheets are in; Leaflet then opens at the drawing's centre
   and zoom (data-view) and replaces it once its own markers are in. Its first reports come from
   the address the page preloaded (data-first); after that the map asks /<lang>/reports.geojson
   for the visible box (with the page's filters) whenever it stops moving, and groups near
   reports into numbered clusters. */
(function () {
  "use strict";
  var section = document.querySelector("[data-reports-map]");
  var box = document.getElementById("reports-map");
  if (!section || !box || !window.Promise || !window.fetch) { return; }
  var status = section.querySelector("[data-reports-map-status]");
  var TOWN = 0.05; // degrees, about 5 km (views.TOWN_DEGREES)
  var L;
  var drawn = box.querySelector("[data-first-view]");
  if (drawn) {
    // Tiles now, not in the HTML: fetched there they shared the link with the stylesheets.
    Array.prototype.forEach.call(drawn.querySelectorAll("image[data-href]"), function (tile) {
      tile.setAttribute("href", tile.getAttribute("data-href"));
    });
  }

  function attach(tag, attributes) {
    return new Promise(function (done, failed) {
      var element = document.createElement(tag);
      Object.keys(attributes).forEach(function (name) { element[name] = attributes[name]; });
      element.onload = done;
      element.onerror = failed;
      document.head.appendChild(element);
    });
  }

  function files(name) {
    return (box.getAttribute(name) || "").split(" ").filter(Boolean);
  }

  // Leaflet (~150 KB of script, 43 KB compressed) is fetched only now: this deferred script
  // runs once the page's stylesheets are in, so it never shares the link with them (the list's
  // first paint waits for those alone). Scripts and CSS are asked for together; the scripts run
  // in order (async false), and the map starts once all are here.
  // High priority: a script added by a script is otherwise fetched after the fonts the list's
  // text asked for meanwhile, which are not needed for the map.
  var scripts = Promise.all(files("data-scripts").map(function (src) {
    return attach("script", {src: src, async: false, fetchPriority: "high"});
  }));
  var styles = Promise.all(files("data-css").map(function (href) {
    return attach("link", {rel: "stylesheet", href: href}).catch(function () {});
  }));
  Promise.all([scripts, styles])
    .then(function () {
      L = window.L;
      if (!L || !L.markerClusterGroup) { return; }
      start();
    })
    .catch(function () {}); // no Leaflet (offline, blocked): the list is the page

  function numbers(name) {
    var values = (box.getAttribute(name) || "").split(",").map(parseFloat);
    return values.every(isFinite) ? values : [];
  }

  function start() {
    var map = L.map(box, {scrollWheelZoom: false});
    L.tileLayer(box.getAttribute("data-tiles"), {maxZoom: 19, attribution: "© OpenStreetMap"}).addTo(map);
    // Where the server drew the first view: around the reports when they fit a town (the first
    // box then holds every report: no second request), otherwise their median point at street
    // level, so a phone asks for a few hundred reports, not the thousand of a whole province.
    var extent = numbers("data-extent");
    var wholeTown = extent.length === 4 && extent[2] - extent[0] <= TOWN && extent[3] - extent[1] <= TOWN;
    var view = numbers("data-view");
    var centre = numbers("data-center");
    if (view.length === 3) {
      map.setView([view[0], view[1]], view[2]);
    } else {
      map.setView(centre.length === 2 ? centre : [13.75, 100.5], 14);
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

    // The page's own filters (service, status, community, dates) apply to the map too: the
    // valid ones, as the server put them in the first address.
    var first = box.getAttribute("data-first");
    var filters = new URLSearchParams(first ? first.split("?")[1] : window.location.search);
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

    function load(address) {
      if (!address) {
        var bounds = map.getBounds();
        filters.set("bbox", [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
          .map(function (n) { return n.toFixed(5); }).join(","));
        address = box.getAttribute("data-geojson") + "?" + filters.toString();
      }
      if (pending) { pending.abort(); }
      pending = new AbortController();
      // No extra headers: the preloaded answer is used only for a request like the preload's.
      return fetch(address, {signal: pending.signal})
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (data) {
          var markers = data.features.map(function (feature) {
            var p = feature.properties;
            var c = feature.geometry.coordinates;
            var marker = L.marker([c[1], c[0]], {alt: markerLabel + " " + p.ref + ": " + p.service, title: p.service, keyboard: true});
            // Built when opened: a popup each for a few hundred markers held up their drawing.
            marker.bindPopup(function () { return popup(p, data.statuses); });
            return marker;
          });
          clusters.clearLayers();
          clusters.addLayers(markers);
          box.setAttribute("data-loaded", String(markers.length));
          if (drawn) { drawn.remove(); drawn = null; } // Leaflet's markers are in: the drawing goes
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
    var firstBox = numbers("data-first-bbox");
    if (!first) { load(); return; }
    load(first).then(function () {
      // A screen wider than a phone's sees past the first box: ask for the rest once.
      var seen = L.latLngBounds([firstBox[1], firstBox[0]], [firstBox[3], firstBox[2]]);
      if (!wholeTown && !seen.contains(map.getBounds())) { load(); }
    });
  }
})();
