import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const Stored = z.object({ server: z.url(), apiKey: z.string().min(1) });
export type Credentials = z.infer<typeof Stored>;

/** ~/.config/shoebox (or $XDG_CONFIG_HOME/shoebox, or $SHOEBOX_CONFIG_DIR): credentials and the upload journal. */
export function configDir(env = process.env): string {
  return env.SHOEBOX_CONFIG_DIR || path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'shoebox');
}

/** SHOEBOX_SERVER and SHOEBOX_API_KEY win over what `shoebox login` stored (for scripts and CI). */
export async function loadCredentials(env = process.env): Promise<Credentials> {
  let stored: Partial<Credentials> = {};
  try {
    stored = Stored.partial().parse(JSON.parse(await readFile(path.join(configDir(env), 'auth.json'), 'utf8')));
  } catch {
    // Not logged in: the environment may still say everything.
  }
  const server = env.SHOEBOX_SERVER || stored.server;
  const apiKey = env.SHOEBOX_API_KEY || stored.apiKey;
  if (!server || !apiKey) throw new Error('Not logged in: run `shoebox login <server-url> --key <api-key>` (or set SHOEBOX_SERVER and SHOEBOX_API_KEY)');
  return { server: server.replace(/\/+$/, ''), apiKey };
}

export async function saveCredentials(credentials: Credentials, env = process.env): Promise<string> {
  const dir = configDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'auth.json');
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}
