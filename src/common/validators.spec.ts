import { isIanaTimeZone, isInstantWithOffset } from './validators.js';

describe('isInstantWithOffset', () => {
  it.each([
    '2026-11-26T10:00:00+09:00',
    '2026-11-26T10:00+09:00',
    '2026-11-26T01:00:00Z',
    '2026-11-26T01:00:00.123456Z',
    '2028-02-29T23:59:59-05:00',
    '2026-03-08T02:30:00-05:00',
  ])('accepts %s', (value) => expect(isInstantWithOffset(value)).toBe(true));

  it.each([
    '2026-11-26T10:00:00',
    '2026-11-26',
    '2026-02-29T10:00:00Z',
    '2026-13-01T10:00:00Z',
    '2026-11-31T10:00:00Z',
    '2026-11-26T24:00:00Z',
    '2026-11-26T10:60:00Z',
    '2026-11-26T10:00:00+19:00',
    '2026-11-26 10:00:00Z',
    ' 2026-11-26T10:00:00Z',
    20261126,
    null,
  ])('rejects %p', (value) => expect(isInstantWithOffset(value)).toBe(false));
});

describe('isIanaTimeZone', () => {
  it.each([
    'Asia/Tokyo',
    'America/New_York',
    'Europe/Berlin',
    'UTC',
    'Etc/UTC',
    'Etc/GMT-9',
    'Asia/Kolkata', // tz's current name; ICU's canonical one is Asia/Calcutta
    'Asia/Calcutta',
    'Europe/Kyiv',
    'America/Argentina/Buenos_Aires',
    'America/Port-au-Prince',
  ])('accepts %s', (zone) => expect(isIanaTimeZone(zone)).toBe(true));
  it.each([
    'Mars/Olympus',
    '',
    'Tokyo',
    42,
    'x'.repeat(65),
    // Intl takes these; they are abbreviations, Java ids, legacy names or another spelling
    'JST',
    'PST',
    'EST',
    'CET',
    'GMT',
    'Japan',
    'US/Eastern',
    'utc',
    'asia/tokyo',
    'Asia/tokyo',
    'ASIA/TOKYO',
    'Asia/KoLkata',
  ])('rejects %p', (zone) => expect(isIanaTimeZone(zone)).toBe(false));
});
