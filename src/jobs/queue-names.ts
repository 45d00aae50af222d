/** Every BullMQ queue of the service. Job payloads carry ids only, never personal data. */
export const QUEUES = {
  housekeeping: 'housekeeping',
  followUps: 'follow-ups',
} as const;

export const FOLLOW_UP_JOBS = {
  /** Payload { centerId }: recompute every student of a center after its policy changed. */
  recomputeCenter: 'recompute-center',
} as const;

export const HOUSEKEEPING_JOBS = {
  pruneRevokedApiKeys: 'prune-revoked-api-keys',
  purgeIdempotencyKeys: 'purge-idempotency-keys',
} as const;
