import { useEffect, useRef, useState } from 'preact/hooks';
import { api, thumbnailUrl } from '../lib/api';
import { addBaseLayer, L } from '../lib/base-map';
import PhotoGrid, { type GridItem } from './PhotoGrid';
import Viewer from './Viewer';

interface Marker {
  id: string;
  lat: number;
  lon: number;
  city: string | null;
}

const CELL = 64;

/**
 * Your geotagged photos on a map, grouped into one marker per 64-px cell at the current zoom
 * (re-grouped on every move); a marker shows how many and one of them, and a click lists
 * them beside the map. Without a configured tile server it draws the bundled world outline,
 * so it works offline.
 */
export default function PhotoMap() {
  const box = useRef<HTMLDivElement>(null);
  const [chosen, setChosen] = useState<Marker[]>([]);
  const [open, setOpen] = useState<string | undefined>();
  const [count, setCount] = useState<number | undefined>();

  useEffect(() => {
    const map = L.map(box.current!, { worldCopyJump: true, zoomControl: true }).setView([30, 0], 2);
    const layer = L.layerGroup().addTo(map);
    let markers: Marker[] = [];

    addBaseLayer(map);

    const draw = () => {
      layer.clearLayers();
      const cells = new Map<string, Marker[]>();
      for (const m of markers) {
        const p = map.latLngToLayerPoint([m.lat, m.lon]);
        const key = `${Math.floor(p.x / CELL)}:${Math.floor(p.y / CELL)}`;
        cells.set(key, [...(cells.get(key) ?? []), m]);
      }
      for (const group of cells.values()) {
        const lat = group.reduce((s, m) => s + m.lat, 0) / group.length;
        const lon = group.reduce((s, m) => s + m.lon, 0) / group.length;
        const icon = L.divIcon({
          className: 'map-cluster',
          html: `<img src="${thumbnailUrl(group[0]!.id)}" alt=""><span>${group.length}</span>`,
          iconSize: [48, 48],
        });
        L.marker([lat, lon], { icon, title: `${group.length} ${group.length === 1 ? 'photo' : 'photos'}${group[0]!.city ? ` near ${group[0]!.city}` : ''}`, keyboard: true })
          .on('click', () => setChosen(group))
          .addTo(layer);
      }
    };
    void api<Marker[]>('GET', '/map/markers').then((m) => {
      markers = m;
      setCount(m.length);
      // Opened from a photo's details (?lat=&lon=): centred there; otherwise all photos in view.
      const at = new URLSearchParams(location.search);
      const lat = Number(at.get('lat'));
      const lon = Number(at.get('lon'));
      // No animation into the first view: markers are redrawn when it ends, and one clicked meanwhile would be gone.
      if (at.has('lat') && Number.isFinite(lat) && Number.isFinite(lon)) map.setView([lat, lon], 10, { animate: false });
      else if (m.length) map.fitBounds(L.latLngBounds(m.map((x) => [x.lat, x.lon] as [number, number])), { maxZoom: 6, padding: [40, 40], animate: false });
      draw();
    });
    map.on('zoomend moveend', draw);
    return () => map.remove();
  }, []);

  const items: GridItem[] = chosen.map((m) => ({ id: m.id, ratio: 1, thumbhash: null, isVideo: false, isFavorite: false, label: m.city ? `Photo near ${m.city}` : 'Photo' }));
  return (
    <div class="map-page">
      <div ref={box} class="map" role="region" aria-label={count === undefined ? 'Map' : `Map of ${count} geotagged photos`} />
      {chosen.length > 0 && (
        <aside class="map-photos" aria-label="Photos here">
          <h2>
            {chosen.length} {chosen.length === 1 ? 'photo' : 'photos'}
            {chosen[0]!.city ? ` near ${chosen[0]!.city}` : ''}
          </h2>
          <PhotoGrid items={items} selected={new Set()} onOpen={setOpen} onSelect={() => undefined} />
        </aside>
      )}
      {open && <Viewer ids={items.map((i) => i.id)} start={items.findIndex((i) => i.id === open)} onClose={() => setOpen(undefined)} />}
    </div>
  );
}
