/** A one-line progress display on stderr for work a person waits on (rewritten in place on a terminal). */
export class Progress {
  private last = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  update(done: number): void {
    const now = Date.now();
    if (done < this.total && now - this.last < 250) return;
    this.last = now;
    const line = `${this.label}: ${done}/${this.total} (${Math.floor((done / this.total) * 100)}%)`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${done >= this.total ? '\n' : ''}`);
    else if (done >= this.total) process.stderr.write(`${line}\n`);
  }
}

export function step(message: string): void {
  process.stderr.write(`${message}\n`);
}
