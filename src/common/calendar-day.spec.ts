import { isInstantWithOffset } from './validators.js';

/** The check before bulk validation was made cheaper: the last day of the month from a Date. */
const oracle = (year: number, month: number, day: number) =>
  month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();

describe('calendar days in instants', () => {
  it('are the days Date.UTC knows, for every four-digit year (0000-02-29 refused, as before)', () => {
    const disagreements: string[] = [];
    for (let year = 0; year <= 9999; year++) {
      for (let month = 0; month <= 13; month++) {
        for (const day of [0, 1, 28, 29, 30, 31, 32]) {
          const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T00:00Z`;
          if (isInstantWithOffset(text) !== oracle(year, month, day)) disagreements.push(text);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });
});
