import { parseArgs } from 'node:util';
import { configDir, loadCredentials, saveCredentials } from './credentials.js';
import { ServerClient } from './server-client.js';
import { importTakeout, printTakeoutSummary } from './takeout/import-takeout.js';
import { printSummary, uploadPaths } from './upload-command.js';
import { UploadJournal } from './upload-journal.js';

const USAGE = `shoebox — move photos and videos into a Shoebox server

  shoebox login <server-url> --key <api-key>   check and store the credentials
  shoebox upload <paths…> [options]            upload new media (recursively); known files send nothing
      --concurrency <n>   files at a time (default 4)
      --dry-run           say what would be uploaded, send nothing
      --delete-after      delete each local file once the server has verified it
      --include-hidden    also look into dot-files and dot-folders
      --album <name>      put every file in this album (created when missing)
      --album-from-folder put every file in an album named after its folder
      --no-progress       no progress line
    An .xmp sidecar beside a file (photo.jpg.xmp or photo.xmp) sets its date, place,
    description and rating on the server.
  shoebox takeout <archives or folder…> [options]  import a Google Takeout export
      (.zip/.tgz read as streams, or the extracted folder): dates, places, descriptions,
      favourites, archive, albums and live photos; trashed items are skipped
      --concurrency <n>, --dry-run, --no-progress   as for upload
  shoebox restore <backup.sql.gz>              replace this machine's database (SHOEBOX_DATA, or
                                               DATABASE_URL) with a backup; stop the server first
  shoebox status                               who and where you are logged in
  shoebox jobs [--redrive <queue>]             admin: queue counts and dead letters per stage;
                                               --redrive sends a stage's dead letters back
  shoebox libraries [--scan <id>]              admin: external libraries; --scan rescans one now

SHOEBOX_SERVER and SHOEBOX_API_KEY override the stored login; SHOEBOX_CONFIG_DIR moves it.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      key: { type: 'string' },
      concurrency: { type: 'string', default: '4' },
      'dry-run': { type: 'boolean', default: false },
      'delete-after': { type: 'boolean', default: false },
      'include-hidden': { type: 'boolean', default: false },
      album: { type: 'string' },
      'album-from-folder': { type: 'boolean', default: false },
      redrive: { type: 'string' },
      scan: { type: 'string' },
      'no-progress': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (command === 'login') {
    const [server] = args;
    if (!server || !values.key) throw new UsageError('login needs a server URL and --key <api-key>');
    const url = server.replace(/\/+$/, '').replace(/\/api$/, '');
    const me = await new ServerClient(url, values.key).me();
    const file = await saveCredentials({ server: url, apiKey: values.key });
    console.log(`Logged in to ${url} as ${me.email} (saved in ${file})`);
    return 0;
  }
  if (command === 'restore') {
    const [file] = args;
    if (!file || args.length > 1) throw new UsageError('restore needs one backup file (data/backups/shoebox-db-backup-….sql.gz)');
    // The server's own code, loaded only for this command: the rest of the CLI is an HTTP client.
    const { restoreFromFile } = await import('../local/restore-command.js');
    const summary = await restoreFromFile(file);
    const migrated = summary.migrated.length ? `, then migrated (${summary.migrated.join(', ')})` : '';
    console.log(`Restored ${summary.rows} rows in ${summary.tables} tables from ${file} (made ${summary.header.createdAt} by Shoebox ${summary.header.shoebox})${migrated}`);
    return 0;
  }
  const credentials = await loadCredentials();
  const client = new ServerClient(credentials.server, credentials.apiKey);
  if (command === 'status') {
    const me = await client.me();
    console.log(`${credentials.server}: logged in as ${me.email}`);
    return 0;
  }
  if (command === 'jobs') {
    if (values.redrive) {
      console.log(`${(await client.redrive(values.redrive)).redriven} dead letters of ${values.redrive} sent back`);
      return 0;
    }
    for (const [queue, { jobCounts }] of Object.entries(await client.jobs())) {
      console.log(`${queue.padEnd(10)} ${jobCounts.waiting} waiting, ${jobCounts.active} active, ${jobCounts.failed} dead`);
      if (jobCounts.failed > 0) for (const dead of (await client.deadLetters(queue)).slice(0, 5)) console.log(`  ✗ ${dead.reason ?? 'no reason kept'}`);
    }
    return 0;
  }
  if (command === 'libraries') {
    if (values.scan) {
      await client.scanLibrary(values.scan);
      console.log(`Scan of ${values.scan} queued`);
      return 0;
    }
    for (const library of await client.libraries()) console.log(`${library.id}  ${library.name}  ${library.assetCount} assets  ${library.importPaths.join(', ')}`);
    return 0;
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError('--concurrency must be from 1 to 64');
  if (command === 'takeout') {
    if (args.length === 0) throw new UsageError('takeout needs the export: its .zip/.tgz files or the extracted folder');
    const journal = await UploadJournal.open(configDir(), credentials.server);
    const summary = await importTakeout(client, journal, args, { concurrency, dryRun: values['dry-run'], progress: !values['no-progress'] });
    printTakeoutSummary(summary, values['dry-run']);
    return summary.failed.length > 0 ? 1 : 0;
  }
  if (command === 'upload') {
    if (args.length === 0) throw new UsageError('upload needs at least one file or folder');
    if (values.album !== undefined && !values.album.trim()) throw new UsageError('--album needs a name');
    if (values.album && values['album-from-folder']) throw new UsageError('use --album or --album-from-folder, not both');
    const journal = await UploadJournal.open(configDir(), credentials.server);
    const summary = await uploadPaths(client, journal, args, {
      concurrency,
      dryRun: values['dry-run'],
      deleteAfter: values['delete-after'],
      includeHidden: values['include-hidden'],
      progress: !values['no-progress'],
      album: values.album?.trim(),
      albumFromFolder: values['album-from-folder'],
    });
    printSummary(summary, values['dry-run']);
    return summary.failed.length > 0 ? 1 : 0;
  }
  throw new UsageError(`unknown command "${command}"`);
}

class UsageError extends Error {}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`shoebox: ${(error as Error).message}`);
  if (error instanceof UsageError) console.error(`\n${USAGE}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
