/**
 * Writes items in as few calls as keep up with them: the first item starts a write, and whatever arrives while
 * a write is running goes into the next one. Nothing waits for a batch to fill, and a flood shares statements.
 */
export class GroupWriter<T> {
  private pending: T[] = [];
  private running: Promise<void> | null = null;
  private error: Error | undefined;

  constructor(private readonly write: (items: T[]) => Promise<void>) {}

  add(item: T): void {
    this.pending.push(item);
    this.running ??= this.drain();
  }

  /** Resolves once everything added so far is written; rejects if any write failed. */
  async flushed(): Promise<void> {
    while (this.running) await this.running;
    if (this.error !== undefined) throw this.error;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length) await this.write(this.pending.splice(0));
    } catch (error) {
      // Kept for flushed(), never left as an unhandled rejection.
      this.error ??= error instanceof Error ? error : new Error(String(error));
      this.pending = [];
    } finally {
      this.running = null;
    }
  }
}
