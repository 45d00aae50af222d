/** Every BullMQ queue of the service. Job payloads carry ids only, never personal data. */
export const QUEUES = {
  housekeeping: 'housekeeping',
} as const;

export const HOUSEKEEPING_JOBS = {
  pruneRevokedApiKeys: 'prune-revoked-api-keys',
  purgeIdempotencyKeys: 'purge-idempotency-keys',
} as const;
