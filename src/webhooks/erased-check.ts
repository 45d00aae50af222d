/**
 * Asks, right before each request, whether its delivery was withdrawn by an erasure since it was claimed (its
 * body in memory still names the student). Asks arriving while a query runs share the next one, so a busy
 * sender adds a query per round of sends, not per send.
 */
export class ErasedCheck {
  private waiting: { id: string; resolve: (erased: boolean) => void; reject: (error: unknown) => void }[] =
    [];
  private running = false;

  /** `erased` returns which of the ids are erased. */
  constructor(private readonly erased: (ids: string[]) => Promise<Set<string>>) {}

  isErased(id: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ id, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length) {
        const batch = this.waiting.splice(0);
        try {
          const erased = await this.erased([...new Set(batch.map((w) => w.id))]);
          for (const w of batch) w.resolve(erased.has(w.id));
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
