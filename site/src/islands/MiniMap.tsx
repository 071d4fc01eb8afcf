import { useEffect, useRef } from 'preact/hooks';

/**
 * Where a photo was taken, small, in the viewer's details: the map code (Leaflet and the land
 * outline) loads only when a geotagged photo's details open; a click opens the full map there.
 */
export default function MiniMap({ lat, lon }: { lat: number; lon: number }) {
  const box = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    let map: { remove(): void } | undefined;
    let gone = false;
    void import('../lib/base-map').then(({ L, addBaseLayer }) => {
      if (gone || !box.current) return;
      const options = { zoomControl: false, dragging: false, scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false, attributionControl: false };
      const created = L.map(box.current, options).setView([lat, lon], 9);
      addBaseLayer(created);
      L.circleMarker([lat, lon], { radius: 7, color: '#fff', weight: 2, fillColor: '#1a73e8', fillOpacity: 1 }).addTo(created);
      map = created;
    });
    return () => {
      gone = true;
      map?.remove();
    };
  }, [lat, lon]);
  return <a ref={box} class="mini-map" href={`/map/?lat=${lat}&lon=${lon}`} aria-label="Where this was taken: open the map here" />;
}
