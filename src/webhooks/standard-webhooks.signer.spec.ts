import { Webhook } from 'standardwebhooks';
import { signatureHeader } from './standard-webhooks.signer.js';
import { generateWebhookSecret } from './webhook-secret.js';

describe('Standard Webhooks signing', () => {
  const body = JSON.stringify({ type: 'followup.reminder', data: { company: '株式会社サンプル商事' } });
  const now = Math.floor(Date.now() / 1000);

  it('produces a signature the standardwebhooks package verifies', () => {
    const secret = generateWebhookSecret();
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(now),
      'webhook-signature': signatureHeader([secret], 'msg_1', now, body),
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('signs with both secrets during a rotation, so either verifies', () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const signature = signatureHeader([current, previous], 'msg_2', now, body);
    expect(signature.split(' ')).toHaveLength(2);
    for (const secret of [current, previous]) {
      const headers = {
        'webhook-id': 'msg_2',
        'webhook-timestamp': String(now),
        'webhook-signature': signature,
      };
      expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    }
    const headers = {
      'webhook-id': 'msg_2',
      'webhook-timestamp': String(now),
      'webhook-signature': signature,
    };
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(`${body} `, headers)).toThrow();
  });
});
