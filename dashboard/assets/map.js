// The dashboard map's behaviour (dashboard/mapview.py, MapScript): one popup listing every place under a
// click, names on the map, the mention-weighted view, layer choices kept across Streamlit reruns, a legend
// of the visible layers, collapsible controls, and a notice when basemap tiles fail.
// Called as ngdMap(map, cfg). Place layers are FeatureGroups with options.ngdKind (mapview.KindGroup);
// their features carry the properties built by mapview.layer_geojson (popup HTML there is already
// escaped; names are set as text here, never as HTML).
function ngdMap(map, cfg) {
  "use strict";
  var container = map.getContainer();
  var store = null;
  try { store = window.sessionStorage; } catch (e) { store = null; }
  function load(key, fallback) {
    try {
      var v = store && store.getItem(cfg.storageKey + ":" + key);
      return v === null || v === undefined ? fallback : JSON.parse(v);
    } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { if (store) store.setItem(cfg.storageKey + ":" + key, JSON.stringify(value)); } catch (e) { /* full */ }
  }

  // --- layer choices: kept in the frame's sessionStorage, so a rerun that rebuilds the layers keeps them
  var hidden = load("hidden", {});
  var userToggle = false;
  // Only a click in the layer control records a choice; Streamlit's own removal of the old layers on a
  // rerun fires the same overlayremove events and must not.
  container.addEventListener("click", function (e) {
    var t = e.target;
    if (t && t.classList && t.classList.contains("leaflet-control-layers-selector")) {
      userToggle = true;
      setTimeout(function () { userToggle = false; }, 0);
    }
  }, true);
  function isGroup(l) { return l instanceof L.FeatureGroup && l.options && l.options.ngdKind; }
  function isPlace(l) { return !!(l.feature && l.feature.properties && l.feature.properties.place_id); }
  map.on("overlayadd overlayremove", function (e) {
    if (!userToggle || !isGroup(e.layer)) return;
    var kind = e.layer.options.ngdKind;
    if (e.type === "overlayremove") hidden[kind] = true; else delete hidden[kind];
    save("hidden", hidden);
  });

  function groupsOnMap() {
    var out = [];
    map.eachLayer(function (l) { if (isGroup(l)) out.push(l); });
    return out;
  }
  function z(l) { var v = cfg.order[l.options.ngdKind]; return v === undefined ? 99 : v; }
  // A layer switched back on is drawn last, above everything; put the layers drawn above it back on top.
  function restack(added) {
    groupsOnMap().filter(function (g) { return z(g) > z(added); })
      .sort(function (a, b) { return z(a) - z(b); })
      .forEach(function (g) { g.bringToFront(); });
  }

  // --- legend: only the layers on the map
  function updateLegend() {
    var on = {};
    groupsOnMap().forEach(function (g) { on[g.options.ngdKind] = true; });
    var rows = container.querySelectorAll(".ngd-legend [data-kind]");
    for (var i = 0; i < rows.length; i++) {
      rows[i].classList.toggle("ngd-off", !on[rows[i].getAttribute("data-kind")]);
    }
  }

  // --- names on the map
  var labelPane = map.createPane("ngdLabels");
  labelPane.style.zIndex = 450;
  labelPane.style.pointerEvents = "none";
  var labels = {};
  // A name's marker is made the first time the name is shown: a map of thousands of places (the corpus
  // view) keeps only the names it ever showed in the page.
  function addLabel(l) {
    if (!l.feature.properties.label_at) return;
    labels[L.Util.stamp(l)] = { layer: l, marker: null, span: null };
    scheduleLabels();
  }
  function labelMarker(item) {
    if (!item.marker) {
      var p = item.layer.feature.properties;
      item.span = document.createElement("span");
      item.span.textContent = p.name;
      item.marker = L.marker(p.label_at, {
        icon: L.divIcon({ className: "ngd-label ngd-label-" + p.kind, html: item.span, iconSize: null }),
        interactive: false, keyboard: false, pane: "ngdLabels",
      });
      item.marker.addTo(map);
    }
    return item.marker;
  }
  function hideLabel(item) {
    var el = item.marker && item.marker.getElement();
    if (el) el.classList.add("ngd-label-hidden");
  }
  function removeLabel(l) {
    var id = L.Util.stamp(l);
    if (!labels[id]) return;
    if (labels[id].marker) map.removeLayer(labels[id].marker);
    delete labels[id];
    scheduleLabels();
  }
  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }
  // Where a polygon's name goes in this view: its label point, or, when that is outside the view, a point
  // of the polygon in the visible part of its box, near the middle of what is visible (Russia named in a
  // view of Europe although its label point is in Siberia).
  function labelAt(item, view) {
    var p = item.layer.feature.properties, g = item.layer.feature.geometry;
    var at = L.latLng(p.label_at);
    if (view.contains(at)) return at;
    if (!item.layer.getBounds) return null;
    var b = item.layer.getBounds();
    if (!view.intersects(b)) return null;
    var s = Math.max(b.getSouth(), view.getSouth()), n = Math.min(b.getNorth(), view.getNorth());
    var w = Math.max(b.getWest(), view.getWest()), e = Math.min(b.getEast(), view.getEast());
    var inside = [], steps = 8;
    for (var i = 1; i < steps; i++) {
      for (var j = 1; j < steps; j++) {
        var lat = s + ((n - s) * i) / steps, lng = w + ((e - w) * j) / steps;
        if (inFeature(g, lng, lat)) inside.push([lat, lng]);
      }
    }
    if (!inside.length) return null;
    var mid = inside.reduce(function (a, q) { return [a[0] + q[0] / inside.length, a[1] + q[1] / inside.length]; }, [0, 0]);
    if (inFeature(g, mid[1], mid[0])) return L.latLng(mid);
    inside.sort(function (a, q) {
      return Math.hypot(a[0] - mid[0], a[1] - mid[1]) - Math.hypot(q[0] - mid[0], q[1] - mid[1]);
    });
    return L.latLng(inside[0]);
  }
  var labelTimer = null;
  function scheduleLabels() {
    if (labelTimer) return;
    labelTimer = setTimeout(function () { labelTimer = null; layoutLabels(); }, 30);
  }
  // Most-mentioned first; as many as the zoom allows; a name that would overlap one already placed waits
  // for a closer zoom.
  function layoutLabels() {
    var zoom = map.getZoom();
    var size = clamp(cfg.labels.size + (zoom - 4) * cfg.labels.sizePerZoom, cfg.labels.sizeMin, cfg.labels.sizeMax);
    container.style.setProperty("--ngd-label-size", size.toFixed(1) + "px");
    var limit = clamp(cfg.labels.min + (zoom - 3) * cfg.labels.perZoom, cfg.labels.min, cfg.labels.max);
    var items = Object.keys(labels).map(function (k) { return labels[k]; });
    items.sort(function (a, b) {
      var pa = a.layer.feature.properties, pb = b.layer.feature.properties;
      return (pb.count - pa.count) || (pa.area - pb.area) || (pa.name < pb.name ? -1 : 1);
    });
    var view = map.getBounds(), placed = [], shown = 0, tried = 0;
    items.forEach(function (item, rank) {
      // Names beyond the limit, or past a few clashes per name shown, wait for a closer zoom.
      var at = shown < limit && tried < 3 * limit ? labelAt(item, view) : null;
      if (!at) { hideLabel(item); return; }
      tried++;
      var marker = labelMarker(item), el = marker.getElement();
      if (!el) return;
      marker.setLatLng(at);
      var p = item.layer.feature.properties;
      // Larger type for the few most-mentioned places, and only when mentioned more than once.
      el.classList.toggle("ngd-label-major", rank < cfg.labels.major && p.count > 1);
      el.classList.remove("ngd-label-hidden");
      var r = item.span.getBoundingClientRect();
      var box = { l: r.left - 2, r: r.right + 2, t: r.top - 1, b: r.bottom + 1 };
      var clash = placed.some(function (o) { return box.l < o.r && box.r > o.l && box.t < o.b && box.b > o.t; });
      if (clash) { el.classList.add("ngd-label-hidden"); return; }
      placed.push(box);
      shown++;
    });
  }
  map.on("zoomend moveend", scheduleLabels);

  // --- one popup for everything under a click
  function inRing(x, y, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }
  function inPolygon(x, y, rings) {
    if (!rings.length || !inRing(x, y, rings[0])) return false;
    for (var k = 1; k < rings.length; k++) if (inRing(x, y, rings[k])) return false;
    return true;
  }
  function inFeature(g, x, y) {
    if (!g) return false;
    if (g.type === "Polygon") return inPolygon(x, y, g.coordinates);
    if (g.type === "MultiPolygon") return g.coordinates.some(function (rings) { return inPolygon(x, y, rings); });
    if (g.type === "GeometryCollection") return g.geometries.some(function (h) { return inFeature(h, x, y); });
    return false;
  }
  function nearLine(coords, pt, tolerance) {
    for (var i = 1; i < coords.length; i++) {
      var a = map.latLngToContainerPoint([coords[i - 1][1], coords[i - 1][0]]);
      var b = map.latLngToContainerPoint([coords[i][1], coords[i][0]]);
      if (L.LineUtil.pointToSegmentDistance(pt, a, b) <= tolerance) return true;
    }
    return false;
  }
  function hit(l, latlng, pt) {
    var g = l.feature.geometry;
    if (!g) return false;
    if (l instanceof L.CircleMarker) {
      return map.latLngToContainerPoint(l.getLatLng()).distanceTo(pt) <= l.getRadius() + 3;
    }
    var tol = (l.options.weight || 2) / 2 + 4;
    if (g.type === "LineString") return nearLine(g.coordinates, pt, tol);
    if (g.type === "MultiLineString") return g.coordinates.some(function (c) { return nearLine(c, pt, tol); });
    return inFeature(g, L.Util.wrapNum(latlng.lng, [-180, 180], true), latlng.lat);
  }
  function placesAt(latlng) {
    var pt = map.latLngToContainerPoint(latlng), seen = {}, hits = [];
    map.eachLayer(function (l) {
      if (!isPlace(l) || seen[l.feature.properties.place_id]) return;
      if (hit(l, latlng, pt)) { seen[l.feature.properties.place_id] = true; hits.push(l); }
    });
    // Most specific first: points and lines (no area), then the smallest area.
    hits.sort(function (a, b) {
      var pa = a.feature.properties, pb = b.feature.properties;
      return (pa.area - pb.area) || (pb.count - pa.count);
    });
    return hits;
  }
  function rightPad() {
    var w = 0, corners = container.querySelectorAll(".leaflet-top.leaflet-right, .leaflet-bottom.leaflet-right");
    for (var i = 0; i < corners.length; i++) {
      var kids = corners[i].children;
      for (var k = 0; k < kids.length; k++) w = Math.max(w, kids[k].offsetWidth + 10);
    }
    return w;
  }
  function popupFor(hits) {
    var root = document.createElement("div");
    if (hits.length === 1) {
      root.innerHTML = hits[0].feature.properties.popup;
      return root;
    }
    root.className = "ngd-hits";
    var head = document.createElement("p");
    head.textContent = hits.length + " places here, the most specific first:";
    root.appendChild(head);
    hits.forEach(function (l, i) {
      var d = document.createElement("details");
      if (i === 0) d.open = true;
      var summary = document.createElement("summary");
      var body = document.createElement("div");
      body.innerHTML = l.feature.properties.popup;
      var title = body.querySelector(".ngd-head");
      if (title) summary.appendChild(title); else summary.textContent = l.feature.properties.name;
      d.appendChild(summary);
      d.appendChild(body);
      root.appendChild(d);
    });
    return root;
  }
  function showPlacesAt(latlng) {
    var hits = placesAt(latlng);
    if (!hits.length) { map.closePopup(); return; }
    L.popup({
      maxWidth: 440, minWidth: 220,
      autoPanPaddingTopLeft: L.point(12, 12),
      autoPanPaddingBottomRight: L.point(rightPad() + 12, 24),
    }).setLatLng(latlng).setContent(popupFor(hits)).openOn(map);
  }
  // A click on a shape reaches the map too (Leaflet bubbles it to the map's own click): handle it once.
  function onPlaceClick(e) {
    if (e.originalEvent) L.DomEvent.stopPropagation(e); // a Leaflet event: marks originalEvent._stopped
    if (e.latlng) showPlacesAt(e.latlng);
  }
  map.on("click", function (e) { showPlacesAt(e.latlng); });

  // --- basemap tiles that fail to load
  var notice = null;
  function onTileError() {
    if (notice) return;
    notice = L.control({ position: "bottomleft" });
    notice.onAdd = function () {
      var div = L.DomUtil.create("div", "ngd-notice");
      div.setAttribute("role", "alert");
      div.textContent = cfg.tileError;
      return div;
    };
    notice.addTo(map);
  }

  // --- layers coming and going (the first render, a Streamlit rerun, the layer control)
  function onAdd(l) {
    if (isGroup(l)) {
      if (hidden[l.options.ngdKind]) { map.removeLayer(l); return; }
      restack(l);
      updateLegend();
    } else if (isPlace(l)) {
      l.on("click", onPlaceClick);
      addLabel(l);
    } else if (l instanceof L.TileLayer) {
      l.on("tileerror", onTileError);
    }
  }
  map.on("layeradd", function (e) { onAdd(e.layer); });
  map.on("layerremove", function (e) {
    if (isGroup(e.layer)) updateLegend();
    else if (isPlace(e.layer)) removeLabel(e.layer);
  });
  var existing = [];
  map.eachLayer(function (l) { existing.push(l); });
  existing.forEach(onAdd);
  updateLegend();

  // --- collapsible controls: folded on a narrow map, and as the user last left them
  var narrow = container.offsetWidth < cfg.foldBelow;
  function setupLegend() {
    var legend = container.querySelector("details.ngd-legend");
    if (!legend || legend.ngdReady) return;
    legend.ngdReady = true;
    legend.open = load("legendOpen", !narrow);
    legend.addEventListener("toggle", function () { save("legendOpen", legend.open); onControls(); });
  }
  function setupLayerControl() {
    var ctl = container.querySelector(".leaflet-control-layers");
    if (!ctl || ctl.querySelector(".ngd-fold")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "ngd-fold";
    function paint() {
      var folded = ctl.classList.contains("ngd-folded");
      button.textContent = folded ? "Layers ▸" : "Layers ▾";
      button.setAttribute("aria-expanded", folded ? "false" : "true");
    }
    button.addEventListener("click", function (e) {
      L.DomEvent.stop(e);
      ctl.classList.toggle("ngd-folded");
      save("layersFolded", ctl.classList.contains("ngd-folded"));
      paint();
      onControls();
    });
    L.DomEvent.disableClickPropagation(button);
    ctl.classList.toggle("ngd-folded", load("layersFolded", narrow));
    ctl.insertBefore(button, ctl.firstChild);
    paint();
  }

  // --- the view: the mention-weighted bounds, clear of the controls on the right, until the user moves
  var userMoved = false;
  ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (t) {
    container.addEventListener(t, function (e) {
      if (!(e.target.closest && e.target.closest(".leaflet-control"))) userMoved = true;
    }, { capture: true, passive: true });
  });
  function refit() {
    if (!cfg.bounds || userMoved) return;
    var size = map.getSize(), pad = rightPad() + 12;
    // Not laid out yet (a frame still hidden): fit when it gets its size (the resize handler below).
    if (size.x - pad < 60 || size.y < 60) return;
    map.fitBounds(cfg.bounds, {
      paddingTopLeft: L.point(12, 12),
      paddingBottomRight: L.point(pad, 12),
      animate: false,
    });
  }
  // Refit only when the controls' width changes: a refit moves the map, which redraws other controls.
  var lastPad = -1;
  function onControls() {
    setupLegend();
    setupLayerControl();
    var pad = rightPad();
    if (pad !== lastPad) { lastPad = pad; refit(); }
    scheduleLabels();
  }
  onControls();
  map.on("resize", function () { lastPad = -1; onControls(); });
  if (window.MutationObserver) {
    var watch = new MutationObserver(onControls);
    var right = container.querySelectorAll(".leaflet-control-container .leaflet-right");
    for (var i = 0; i < right.length; i++) watch.observe(right[i], { childList: true, subtree: true });
  }
  map.ngd = { placesAt: placesAt, showPlacesAt: showPlacesAt, layoutLabels: layoutLabels, hidden: hidden };
}
