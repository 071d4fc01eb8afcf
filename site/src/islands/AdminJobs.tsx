import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api';
import AdminTable from './AdminTable';

type Jobs = Record<string, { jobCounts: { active: number; waiting: number; paused: number; failed: number }; queueStatus: { isPaused: boolean } }>;
const NAMES: Record<string, string> = {
  metadata: 'Metadata',
  thumbnail: 'Thumbnails',
  transcode: 'Video encoding',
  embed: 'Smart search',
  faces: 'Faces',
  library: 'External libraries',
  duplicates: 'Duplicates',
};
/** Each stage's queue by Immich's name, which the job commands take. */
const IMMICH_NAME: Record<string, string> = {
  metadata: 'metadataExtraction',
  thumbnail: 'thumbnailGeneration',
  transcode: 'videoConversion',
  embed: 'smartSearch',
  faces: 'faceDetection',
  library: 'library',
  duplicates: 'duplicateDetection',
};

/** The pipeline's queues for the admin: counts, paused and resumed, dead letters retried, missing work run. */
export default function AdminJobs() {
  const [jobs, setJobs] = useState<Jobs | undefined>();
  const [note, setNote] = useState('');
  const load = () => api<Jobs>('GET', '/jobs').then(setJobs);
  useEffect(() => {
    void load();
    const timer = setInterval(load, 3000);
    return () => clearInterval(timer);
  }, []);
  if (!jobs) return <p class="empty">Loading…</p>;
  return (
    <div>
      <AdminTable columns={['Stage', 'Running', 'Waiting', 'Failed']}>
          {/* Shoebox's own stages; the same counts also come under Immich's queue names, for Immich's clients. */}
          {Object.entries(jobs).filter(([name]) => name in NAMES).map(([name, { jobCounts, queueStatus }]) => (
            <tr key={name}>
              <th scope="row">
                {NAMES[name] ?? name}
                {queueStatus.isPaused && <small> (paused)</small>}
              </th>
              <td>{jobCounts.active}</td>
              <td>{jobCounts.waiting + jobCounts.paused}</td>
              <td>{jobCounts.failed}</td>
              <td>
                {jobCounts.failed > 0 && (
                  <button class="button" onClick={() => api<{ redriven: number }>('POST', `/jobs/${name}/redrive`).then((r) => setNote(`${r.redriven} retried`)).then(load)}>
                    Retry failed
                  </button>
                )}
                <button class="button" onClick={() => api<{ queued: number }>('PUT', `/jobs/${IMMICH_NAME[name]}`, { command: 'start', force: false }).then((r) => setNote(`${r.queued} queued`)).then(load)}>
                  {name === 'library' ? 'Scan all' : 'Run for missing'}
                </button>
                <button
                  class="button"
                  aria-label={`${queueStatus.isPaused ? 'Resume' : 'Pause'} ${NAMES[name]}`}
                  onClick={() => api('PUT', `/jobs/${IMMICH_NAME[name]}`, { command: queueStatus.isPaused ? 'resume' : 'pause', force: false }).then(load)}
                >
                  {queueStatus.isPaused ? 'Resume' : 'Pause'}
                </button>
              </td>
            </tr>
          ))}
      </AdminTable>
      {note && <p role="status">{note}</p>}
    </div>
  );
}
