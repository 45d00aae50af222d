/** Injection token for the clock. Read it once per unit of work; never call `new Date()` in domain code. */
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
