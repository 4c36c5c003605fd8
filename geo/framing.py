"""Framing the map: fit the places in view, bring a selected place into view, keep every marker clickable.

Input: the places of a view (``PlaceSummary`` records) and the selected one.
Output: a ``folium.MacroElement`` whose script runs in the browser when its
feature group joins the map (``geo.render.build_place_layer`` adds it).  No
Streamlit here.

In the browser the script

- fits the map to the places (Leaflet's ``fitBounds``, which knows the map's
  size in pixels, unlike the server) when they are a new set, and otherwise
  leaves the reader's own zoom and pan alone;
- pans to the selected place when it is a new selection outside the view;
- fans out markers that hide one another.  Markers are drawn biggest first,
  so a small one sits on top of a big one; then, at each zoom level, every
  marker drawn above another is moved away until it no longer covers the
  other's centre, and a thin line joins a moved marker to its true spot.
  So a click on the centre of any marker hits that marker, at any zoom.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
import jinja2

from geo.atlas import PlaceSummary

FIT_MAX_ZOOM = 10  # a view of one place shows its surroundings, not one street
FIT_PADDING = 24  # pixels between the outermost places and the map's edge, beside the largest marker's radius
CONTROL_ROOM = (44, 20)  # more room at the top left (zoom buttons) and the bottom (credit line)
SPREAD_GAP = 3  # pixels between a covered marker's centre and the edge of the marker moved off it
LEG_COLOUR = "#555555"

_SCRIPT = """
(function (map, group, view) {
  var state = map.__newsAtlasFrame || (map.__newsAtlasFrame = {});
  var run = function () {
    var markers = [];
    group.eachLayer(function (layer) {
      if (layer instanceof L.CircleMarker) { layer.__home = layer.getLatLng(); markers.push(layer); }
    });
    var legs = map.getPane('atlas-legs') ? null : map.createPane('atlas-legs');
    if (legs) { legs.style.zIndex = 390; legs.style.pointerEvents = 'none'; }
    if (state.legs) { map.removeLayer(state.legs); }
    state.legs = L.layerGroup().addTo(map);
    group.on('remove', function () { if (state.legs) { map.removeLayer(state.legs); state.legs = null; } });
    state.spread = function () {
      var zoom = map.getZoom();
      var points = markers.map(function (m) { return map.project(m.__home, zoom); });
      var reach = markers.map(function (m) { return m.options.radius + (m.options.weight || 0) / 2 + view.gap; });
      for (var round = 0; round < 100; round++) {
        var moved = false;
        for (var upper = 1; upper < markers.length; upper++) {
          for (var lower = 0; lower < upper; lower++) {
            var dx = points[upper].x - points[lower].x, dy = points[upper].y - points[lower].y;
            var distance = Math.sqrt(dx * dx + dy * dy);
            if (distance >= reach[upper]) { continue; }
            if (distance < 0.01) {  // the same spot: a direction of its own for each marker
              dx = Math.cos(upper * 2.39996); dy = Math.sin(upper * 2.39996); distance = 1;
            }
            var push = (reach[upper] - distance + 0.5) / distance;
            points[upper] = L.point(points[upper].x + dx * push, points[upper].y + dy * push);
            moved = true;
          }
        }
        if (!moved) { break; }
      }
      state.legs.clearLayers();
      markers.forEach(function (m, k) {
        var spot = map.unproject(points[k], zoom);
        m.setLatLng(spot);
        if (map.project(m.__home, zoom).distanceTo(points[k]) > 1) {
          L.polyline([m.__home, spot], {pane: 'atlas-legs', color: view.leg, weight: 1, interactive: false})
            .addTo(state.legs);
        }
      });
    };
    if (!state.listening) {
      map.on('zoomend', function () { if (state.spread) { state.spread(); } });
      state.listening = true;
    }
    var key = JSON.stringify(view.bounds);
    if (view.bounds && state.framed !== key) {
      state.framed = key;
      map.fitBounds(view.bounds, {paddingTopLeft: view.topLeft, paddingBottomRight: view.bottomRight,
                                  maxZoom: view.maxZoom, animate: false});
    }
    var selected = view.selected && view.selected.join(',');
    if (selected && state.selected !== selected && !map.getBounds().contains(view.selected)) {
      map.panTo(view.selected, {animate: false});
    }
    state.selected = selected;
    state.spread();
  };
  if (group._map) { run(); } else { group.once('add', run); }
})({{ this._parent._parent.get_name() }}, {{ this._parent.get_name() }}, {{ this.view|tojson }});
"""


class Framing(folium.MacroElement):
    """The script that frames a feature group of place markers (see the module docstring).

    Add it to the feature group after the markers, and the group to a map.

    Parameters
    ----------
    summaries:
        The places in view: the map fits their bounds.
    selected:
        The selected place, brought into view when it is outside.
    largest_radius:
        The radius of the largest marker in pixels, kept clear of the map's edges.
    """

    _template = jinja2.Template("{% macro script(this, kwargs) %}" + _SCRIPT + "{% endmacro %}")

    def __init__(
        self, summaries: Sequence[PlaceSummary], *, selected: PlaceSummary | None, largest_radius: float
    ) -> None:
        super().__init__()
        self._name = "Framing"
        lats = [s.place.lat for s in summaries]
        lons = [s.place.lon for s in summaries]
        pad = round(FIT_PADDING + largest_radius)
        self.view = {
            "bounds": [[min(lats), min(lons)], [max(lats), max(lons)]] if summaries else None,
            "selected": [selected.place.lat, selected.place.lon] if selected else None,
            "topLeft": [pad + CONTROL_ROOM[0], pad],
            "bottomRight": [pad, pad + CONTROL_ROOM[1]],
            "maxZoom": FIT_MAX_ZOOM,
            "gap": SPREAD_GAP,
            "leg": LEG_COLOUR,
        }
