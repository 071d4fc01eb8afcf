import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api';
import AdminTable from './AdminTable';

type Jobs = Record<string, { jobCounts: { active: number; waiting: number; failed: number } }>;
const NAMES: Record<string, string> = {
  metadata: 'Metadata',
  thumbnail: 'Thumbnails',
  transcode: 'Video encoding',
  embed: 'Smart search',
  faces: 'Faces',
  library: 'External libraries',
  duplicates: 'Duplicates',
};
const RERUN: Record<string, string> = { embed: 'smartSearch', faces: 'faceDetection', duplicates: 'duplicateDetection' };

/** The pipeline's queues for the admin: counts, dead letters retried, ML stages re-run. */
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
          {Object.entries(jobs).filter(([name]) => name in NAMES).map(([name, { jobCounts }]) => (
            <tr key={name}>
              <th scope="row">{NAMES[name] ?? name}</th>
              <td>{jobCounts.active}</td>
              <td>{jobCounts.waiting}</td>
              <td>{jobCounts.failed}</td>
              <td>
                {jobCounts.failed > 0 && (
                  <button class="button" onClick={() => api<{ redriven: number }>('POST', `/jobs/${name}/redrive`).then((r) => setNote(`${r.redriven} retried`)).then(load)}>
                    Retry failed
                  </button>
                )}
                {RERUN[name] && (
                  <button class="button" onClick={() => api<{ queued: number }>('PUT', `/jobs/${RERUN[name]}`, { command: 'start', force: false }).then((r) => setNote(`${r.queued} queued`))}>
                    Run for missing
                  </button>
                )}
              </td>
            </tr>
          ))}
      </AdminTable>
      {note && <p role="status">{note}</p>}
    </div>
  );
}
