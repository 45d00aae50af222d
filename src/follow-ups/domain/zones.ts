import { IANAZone } from 'luxon';

const MINUTE = 60_000;
const QUARTER_HOUR = 15 * MINUTE;
const SAMPLE_STEP = 6 * 60 * MINUTE;
/** Offsets are worked out per span of 32 days (a few dozen Intl calls), the first time a span is needed. */
const SPAN = 32 * 24 * 60 * MINUTE;

/** One span's offsets: `offsets[i]` (minutes east of UTC) applies from `starts[i]` until the next start. */
interface Span {
  starts: number[];
  offsets: number[];
}

/**
 * A zone's UTC offset at any instant, from its transitions, found once per span with Intl (through luxon) and
 * cached. Offsets are taken per quarter hour, as the luxon rules did: every real transition falls on one.
 */
export class ZoneOffsets {
  private readonly spans = new Map<number, Span>();
  private lastIndex = NaN;
  private last: Span | undefined;

  constructor(
    readonly name: string,
    private readonly iana: IANAZone,
  ) {}

  /** Minutes east of UTC at `ms` (NaN for NaN). */
  offsetAt(ms: number): number {
    const index = Math.floor(ms / SPAN);
    let span = index === this.lastIndex ? this.last : this.spans.get(index);
    if (!span) {
      if (!Number.isFinite(ms)) return NaN;
      span = this.spanAt(index);
      this.spans.set(index, span);
    }
    this.lastIndex = index;
    this.last = span;
    let i = span.starts.length - 1;
    while (i > 0 && ms < span.starts[i]) i--;
    return span.offsets[i];
  }

  /** Samples every 6 hours and bisects, to the quarter hour, where the offset changed (at most once per sample). */
  private spanAt(index: number): Span {
    const from = index * SPAN;
    const span: Span = { starts: [from], offsets: [this.iana.offset(from)] };
    let before = span.offsets[0];
    for (let t = from + SAMPLE_STEP; t <= from + SPAN; t += SAMPLE_STEP) {
      const after = this.iana.offset(t);
      if (after === before) continue;
      let [lo, hi] = [t - SAMPLE_STEP, t]; // offset(lo) === before, offset(hi) !== before
      while (hi - lo > QUARTER_HOUR) {
        const mid = lo + Math.floor((hi - lo) / 2 / QUARTER_HOUR) * QUARTER_HOUR;
        if (this.iana.offset(mid) === before) lo = mid;
        else hi = mid;
      }
      if (hi < from + SPAN) {
        span.starts.push(hi);
        span.offsets.push(this.iana.offset(hi));
      }
      before = after;
    }
    return span;
  }
}

const zones = new Map<string, ZoneOffsets>();

/** The offsets of a student's zone (cached per name); throws for a name that is not an IANA zone. */
export function zoneOffsets(name: string): ZoneOffsets {
  let zone = zones.get(name);
  if (!zone) {
    const iana = IANAZone.create(name);
    if (!iana.isValid) throw new RangeError(`not an IANA time zone: ${name}`);
    zone = new ZoneOffsets(name, iana);
    zones.set(name, zone);
  }
  return zone;
}
