import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import land from 'world-atlas/land-110m.json';
import { api } from './api';

export { L };

/**
 * What a map is drawn on: the configured tile server (SHOEBOX_MAP_TILE_URL), or without one
 * the bundled Natural Earth land outline, so maps work offline.
 */
export function addBaseLayer(map: L.Map): void {
  void api<{ mapTileUrl: string | null }>('GET', '/shoebox/config').then(({ mapTileUrl }) => {
    if (mapTileUrl) L.tileLayer(mapTileUrl, { maxZoom: 19, attribution: 'Map tiles' }).addTo(map);
    else {
      const topology = land as unknown as Topology<{ land: GeometryCollection }>;
      L.geoJSON(feature(topology, topology.objects.land), { style: { color: '#7a8a99', weight: 1, fillColor: '#c9d3dc', fillOpacity: 1 } }).addTo(map);
    }
  });
}
