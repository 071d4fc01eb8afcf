import { parseArgs } from 'node:util';
import { configDir, loadCredentials, saveCredentials } from './credentials.js';
import { ServerClient } from './server-client.js';
import { printSummary, uploadPaths } from './upload-command.js';
import { UploadJournal } from './upload-journal.js';

const USAGE = `shoebox — move photos and videos into a Shoebox server

  shoebox login <server-url> --key <api-key>   check and store the credentials
  shoebox upload <paths…> [options]            upload new media (recursively); known files send nothing
      --concurrency <n>   files at a time (default 4)
      --dry-run           say what would be uploaded, send nothing
      --delete-after      delete each local file once the server has verified it
      --include-hidden    also look into dot-files and dot-folders
      --no-progress       no progress line
  shoebox status                               who and where you are logged in

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
  const credentials = await loadCredentials();
  const client = new ServerClient(credentials.server, credentials.apiKey);
  if (command === 'status') {
    const me = await client.me();
    console.log(`${credentials.server}: logged in as ${me.email}`);
    return 0;
  }
  if (command === 'upload') {
    if (args.length === 0) throw new UsageError('upload needs at least one file or folder');
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError('--concurrency must be from 1 to 64');
    const journal = await UploadJournal.open(configDir(), credentials.server);
    const summary = await uploadPaths(client, journal, args, {
      concurrency,
      dryRun: values['dry-run'],
      deleteAfter: values['delete-after'],
      includeHidden: values['include-hidden'],
      progress: !values['no-progress'],
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
