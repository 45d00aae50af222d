import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** A real HTTP receiver on loopback: records every request and answers with the next scripted status. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server!: Server;
  /** Statuses to answer, in order; 200 once they run out. */
  script: number[] = [];
  /** While set, answers wait for it (requests are recorded at once): sends that stay in flight. */
  hold: Promise<void> | null = null;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({
          headers: req.headers as Record<string, string>,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        const status = this.script.shift() ?? 200;
        void (this.hold ?? Promise.resolve()).then(() =>
          res.writeHead(status, status === 302 ? { location: 'http://127.0.0.1:1/' } : {}).end(),
        );
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** An IANA zone where it is around midday now, so a reminder due now is not moved by quiet hours. */
export function middayZone(now = new Date()): string {
  const offset = 12 - now.getUTCHours(); // hours to add to UTC to reach ~12:00
  const wrapped = offset > 14 ? offset - 24 : offset < -12 ? offset + 24 : offset;
  return wrapped === 0 ? 'Etc/GMT' : `Etc/GMT${wrapped > 0 ? '-' : '+'}${Math.abs(wrapped)}`; // Etc/ signs are inverted
}
