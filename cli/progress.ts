/** One status line on stderr, redrawn in place on a terminal, printed now and then otherwise. */
export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;
  filesDone = 0;
  bytesSent = 0;

  constructor(
    private readonly totalFiles: number,
    private readonly totalBytes: number,
    private readonly enabled: boolean,
  ) {}

  update(force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    const tty = process.stderr.isTTY;
    if (!force && now - this.lastDraw < (tty ? 200 : 5000)) return;
    this.lastDraw = now;
    const seconds = Math.max(0.001, (now - this.started) / 1000);
    const rate = this.bytesSent / seconds;
    const eta = rate > 0 ? (this.totalBytes - this.bytesSent) / rate : 0;
    const line = `${this.filesDone}/${this.totalFiles} files · ${formatBytes(this.bytesSent)}/${formatBytes(this.totalBytes)} · ${formatBytes(rate)}/s · ETA ${formatSeconds(eta)}`;
    process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }

  finish(): void {
    if (this.enabled && process.stderr.isTTY) process.stderr.write('\n');
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '0s';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}
