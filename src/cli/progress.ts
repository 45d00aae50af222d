/**
 * Progress displays on stderr for work a person waits on (benchmarks, the demo, the recompute CLI). On a
 * terminal the line is rewritten in place; in a log (CI, a pipe) a line is written at most every few seconds,
 * so a long wait is never silent and never floods the log.
 */
const TTY_INTERVAL_MS = 250;
const LOG_INTERVAL_MS = 5000;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A count towards a known total: `label: 40/100 (40%)`. */
export class Progress {
  private last = 0;
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, detail = ''): void {
    const now = Date.now();
    const finished = done >= this.total;
    if (!finished && now - this.last < (this.stream.isTTY ? TTY_INTERVAL_MS : LOG_INTERVAL_MS)) return;
    this.last = now;
    const percent = this.total > 0 ? Math.floor((Math.min(done, this.total) / this.total) * 100) : 100;
    const line =
      `${this.label}: ${done}/${this.total} (${percent}%)` +
      `${detail ? ` ${detail}` : ''}${finished ? `, ${seconds(now - this.started)}` : ''}`;
    if (this.stream.isTTY) this.stream.write(`\r\x1b[2K${line}${finished ? '\n' : ''}`);
    else this.stream.write(`${line}\n`);
  }
}

/**
 * One step without a count (starting PostgreSQL, migrating): `label …` while it runs, with the elapsed time
 * ticking on a terminal, then `label: done (3.2 s)`.
 */
export class Step {
  private readonly started = Date.now();
  private readonly timer?: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    if (stream.isTTY) {
      this.draw();
      this.timer = setInterval(() => this.draw(), TTY_INTERVAL_MS);
      this.timer.unref();
    } else {
      stream.write(`${label} …\n`);
    }
  }

  done(result = 'done'): void {
    this.end(result);
  }

  fail(reason: string): void {
    this.end(`failed: ${reason}`);
  }

  private draw(): void {
    this.stream.write(`\r\x1b[2K${this.label} … ${seconds(Date.now() - this.started)}`);
  }

  private end(result: string): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.timer);
    const line = `${this.label}: ${result} (${seconds(Date.now() - this.started)})`;
    this.stream.write(this.stream.isTTY ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }
}

export function step(message: string): void {
  process.stderr.write(`${message}\n`);
}
