import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface DataFolderLock {
  release(): Promise<void>;
}

/**
 * One Shoebox process per data folder: the embedded database is files that two processes
 * (a server and `shoebox restore`, or two servers) would corrupt. `<data>/shoebox.pid` names
 * the holder; a file left by a process that is gone (a kill, a power cut) is taken over.
 */
export async function lockDataFolder(dataDir: string, holder: string): Promise<DataFolderLock> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, 'shoebox.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n${holder}\n`, { flag: 'wx' });
      return { release: () => rm(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const [pid, what] = (await readFile(file, 'utf8').catch(() => '')).split('\n');
    if (pid && Number(pid) !== process.pid && isAlive(Number(pid))) {
      throw new Error(`${what || 'Shoebox'} (pid ${pid}) is using ${dataDir}: stop it first`);
    }
    await rm(file, { force: true });
  }
  throw new Error(`Could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
