import { parseArgs } from 'node:util';
import { awsClients } from '../adapters/aws/aws-clients.js';
import { S3ObjectStore } from '../adapters/aws/s3-object-store.js';
import { readConfig } from '../core/config.js';
import { downloadPack, DownloadFailed, sourceFor, type Progress } from '../core/ml/model-download.js';
import type { PackKind } from '../core/ml/model-packs.js';

/**
 * `npm run models`: fetches the configured packs (SHOEBOX_CLIP_MODEL, SHOEBOX_FACE_MODEL, or
 * --clip / --face) from SHOEBOX_MODEL_SOURCE (or --source) into SHOEBOX_MODELS, checking
 * every file's checksum. Run it again after an interruption: it resumes. Exit 1 on failure.
 */
const { values } = parseArgs({ options: { clip: { type: 'string' }, face: { type: 'string' }, source: { type: 'string' } } });
const config = readConfig();
const spec = values.source ?? config.ml.source;
const bucket = spec.startsWith('s3://') ? new URL(spec).hostname : undefined;
const store = bucket ? new S3ObjectStore(awsClients({ region: config.aws.region, s3Endpoint: config.aws.s3Endpoint }).s3, bucket) : undefined;
const source = sourceFor(spec, store);
const packs: Array<[PackKind, string]> = [
  ['clip', values.clip ?? config.ml.clipModel],
  ['facial-recognition', values.face ?? config.ml.faceModel],
];

const bar: Progress = ({ file, received, total, done, skipped }) => {
  const mb = (n: number) => (n / 1e6).toFixed(1);
  if (skipped) return void process.stderr.write(`  ${file}: already here, checksum good\n`);
  const share = total ? received / total : 0;
  const line = `  [${'#'.repeat(Math.round(share * 30)).padEnd(30, '-')}] ${total ? `${Math.round(share * 100)}%`.padStart(4) : '    '} ${mb(received)}${total ? `/${mb(total)}` : ''} MB ${file}`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(100)}${done ? '\n' : ''}`);
  else if (done) process.stderr.write(`${line}\n`);
};

let failed = false;
for (const [kind, name] of packs) {
  console.error(`${kind}/${name} from ${source.describe} into ${config.ml.modelsDir}`);
  try {
    const fetched = await downloadPack(source, config.ml.modelsDir, kind, name, bar);
    console.error(`  ${fetched.length ? `${fetched.length} files fetched` : 'up to date'}`);
  } catch (error) {
    if (!(error instanceof DownloadFailed || (error instanceof Error && /fetch failed|ENOTFOUND|ECONNREFUSED|ECONNRESET|terminated/.test(error.message)))) throw error;
    console.error(`${process.stderr.isTTY ? '\n' : ''}  failed: ${error.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
