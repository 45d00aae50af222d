import type { NextFunction, Request, Response } from 'express';
import { hashesEqual, hashSecret } from '../centers/api-key.secret.js';
import { bearerToken } from '../centers/bearer-token.js';

/**
 * Lets through requests that carry the admin key: `Authorization: Bearer <ADMIN_API_KEY>` (scripts, tests) or
 * HTTP Basic with the admin key as password (a browser asks for it). Everything else: 401 with a Basic
 * challenge, so opening the page in a browser prompts for the key.
 */
export function adminKeyMiddleware(adminApiKey: string) {
  const expected = hashSecret(adminApiKey);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (presentedKeys(req.headers.authorization).some((key) => hashesEqual(hashSecret(key), expected))) {
      next();
      return;
    }
    res
      .status(401)
      .set('WWW-Authenticate', 'Basic realm="queues (password: the admin API key)", charset="UTF-8"')
      .type('application/problem+json')
      .send({
        type: '/problems/unauthorized',
        title: 'Unauthorized',
        status: 401,
        detail: 'The queue dashboard needs the admin API key (Bearer, or as the Basic auth password).',
      });
  };
}

function presentedKeys(header: string | undefined): string[] {
  const bearer = bearerToken(header);
  if (bearer) return [bearer];
  const basic = /^Basic\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (!basic) return [];
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? [decoded.slice(colon + 1)] : [];
}
