import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReminderEvent {
  type: 'followup.reminder';
  timestamp: string;
  data: {
    reminderId: string;
    student: { externalId: string; name: string; email: string; locale: 'ja' | 'en' };
    items: {
      gapId: string;
      purpose: 'THANK_YOU' | 'CHECK_IN';
      urgency: 'DUE' | 'LATE' | 'OVERDUE';
      idealBy: string;
      overdueAt: string;
      interaction: { externalId: string; kind: string; occurredAt: string };
      company: { externalId: string; name: string };
      contacts: { externalId: string; name: string; title: string | null }[];
      draft: { subject: string; text: string };
    }[];
  };
}

export interface ReceivedEvent {
  webhookId: string;
  type: string;
  payload: unknown;
}

/**
 * The student-mail service, played by the demo: a loopback HTTP receiver that verifies every delivery with the
 * `standardwebhooks` package (as any receiver should) and keeps each event once per `webhook-id`, since a
 * delivery may be retried.
 */
export class VerifyingReceiver {
  readonly events: ReceivedEvent[] = [];
  rejected = 0;
  private verifier?: Webhook;
  private server?: Server;
  private readonly seen = new Set<string>();
  private listener?: (event: ReceivedEvent) => void;

  /** Starts listening on 127.0.0.1 and returns the URL to register. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = {
          'webhook-id': String(req.headers['webhook-id'] ?? ''),
          'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
          'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
        };
        let payload: unknown;
        try {
          if (!this.verifier) throw new Error('no secret yet');
          payload = this.verifier.verify(body, headers);
        } catch {
          this.rejected++;
          res.writeHead(401).end();
          return;
        }
        res.writeHead(204).end();
        if (this.seen.has(headers['webhook-id'])) return; // a retry of an event already handled
        this.seen.add(headers['webhook-id']);
        const event = {
          webhookId: headers['webhook-id'],
          type: (payload as { type?: string }).type ?? '',
          payload,
        };
        this.events.push(event);
        this.listener?.(event);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/followups`;
  }

  /** The endpoint's `whsec_…` secret, shown once when it was registered. */
  useSecret(secret: string): void {
    this.verifier = new Webhook(secret);
  }

  onEvent(listener: (event: ReceivedEvent) => void): void {
    this.listener = listener;
  }

  reminders(): ReminderEvent[] {
    return this.events.filter((e) => e.type === 'followup.reminder').map((e) => e.payload as ReminderEvent);
  }

  stop(): Promise<void> {
    if (!this.server) return Promise.resolve();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}
