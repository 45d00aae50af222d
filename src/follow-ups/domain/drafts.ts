import Mustache from 'mustache';
import type { GapPurpose, InteractionKind } from './vocabulary.js';
import { en } from './templates/en.js';
import { ja } from './templates/ja.js';

export interface DraftContact {
  name: string;
  /** The name as written in Latin script ("Taro Yamada"), when the portal gave one: English drafts use it. */
  nameLatin?: string | null;
  title: string | null;
}

export interface DraftInput {
  locale: 'ja' | 'en';
  purpose: GapPurpose;
  kind: InteractionKind;
  studentName: string;
  /** The student's name in Latin script, when the portal gave one: English drafts are signed with it. */
  studentNameLatin?: string | null;
  /** The company's exact registered name, used verbatim. */
  companyName: string;
  contacts: DraftContact[];
  occurredAt: Date;
  /** The student's zone: the date in the draft is the local date of the meeting. */
  timezone: string;
  notes: string | null;
}

export interface Draft {
  subject: string;
  text: string;
}

const TEMPLATES = { ja, en };
const HONORIFIC = /^(Mr|Ms|Mrs|Miss|Mx|Dr|Prof)\.?(?=\s|$)/i;
const TOPICS_MAX = 120;

/**
 * Marks the end of every value put into a template while rendering (see withoutDoubledPunctuation). U+0000
 * cannot be in a value: every request is refused if it holds one, and PostgreSQL text cannot store it.
 */
const END_OF_VALUE = '\u0000';
// The marker is U+0000 on purpose (END_OF_VALUE), so these patterns hold a control character.
// eslint-disable-next-line no-control-regex
const SENTENCE_END_THEN_PERIOD = /([.!?…。！？．]\u0000+)\./gu;
// eslint-disable-next-line no-control-regex
const SENTENCE_END_THEN_MARU = /([。！？]\u0000+)。/gu;

/** SPEC rule 10: a ready thank-you or check-in in the student's language, naming company and contacts exactly. */
export function renderDraft(input: DraftInput): Draft {
  const templates = TEMPLATES[input.locale];
  const template = input.purpose === 'CHECK_IN' ? templates.checkIn : templates.thankYou[input.kind];
  const english = input.locale === 'en';
  // Japanese drafts name everyone as stored. English drafts name a person only in Latin script (englishName).
  const contacts = english
    ? input.contacts.flatMap((contact) => {
        const name = englishName(contact.name, contact.nameLatin);
        return name === null ? [] : [{ ...contact, name }];
      })
    : input.contacts;
  const view = {
    studentName: english ? (latin(input.studentNameLatin) ?? input.studentName) : input.studentName,
    company: input.companyName,
    kindNoun: templates.kindNoun[input.kind],
    date: localDate(input.locale, input.timezone).format(input.occurredAt),
    topics: topicsFrom(input.notes),
    contacts: contacts.map((contact, index) => ({
      company: input.companyName,
      name: contact.name,
      title: contact.title && !HONORIFIC.test(contact.title) ? contact.title : null,
      salutationName: englishSalutation(contact),
      last: index === contacts.length - 1,
    })),
  };
  // Drafts are plain text: nothing is HTML-escaped; each value's end is marked for withoutDoubledPunctuation.
  const escape = (value: string) => (value === '' ? '' : `${value}${END_OF_VALUE}`);
  const render = (text: string) => withoutDoubledPunctuation(Mustache.render(text, view, {}, { escape }));
  return { subject: render(template.subject).trim(), text: `${render(template.text).trim()}\n` };
}

/**
 * A value that already ends a sentence is not given a second full stop by the template: "to join Northwind
 * Analytics Inc." (not "Inc.."), "about the overseas training…" (not "….", from topics cut short), "Yahoo!"
 * (not "Yahoo!."). The template's "." goes after a value ending in . ! ? … 。 ！ ？ or ．, and its "。" after
 * one ending in 。 ！ or ？. Everything else stays: "Inc.," and "Inc.?" are right in English, and in
 * Japanese a Latin abbreviation's period is followed by 。 as usual ("Inc.。"; no Japanese template puts 。
 * right after a name today, so Japanese drafts read exactly as before).
 */
function withoutDoubledPunctuation(rendered: string): string {
  return rendered
    .replace(SENTENCE_END_THEN_PERIOD, '$1')
    .replace(SENTENCE_END_THEN_MARU, '$1')
    .replaceAll(END_OF_VALUE, '');
}

/**
 * How an English draft names a person (docs/rules.md, "Drafts"): by `nameLatin` when the portal gave
 * one; else by the name itself when it is written in Latin script ("Hanako Yamada", "José Núñez"); else not
 * at all (null). Guessing a romanisation, or which part of "山田 太郎" is the family name, would put a wrong
 * or broken name in the greeting ("Dear 山田 太郎,"), so a person without a Latin-script name is left out of
 * it, and with nobody left the draft opens "Dear Hiring Team at <company>,", as with no contact.
 */
function englishName(name: string, nameLatin?: string | null): string | null {
  return latin(nameLatin) ?? (isLatinScript(name) ? name : null);
}

/** The Latin-script name as given, trimmed; null when none was given. */
function latin(nameLatin: string | null | undefined): string | null {
  const trimmed = nameLatin?.trim();
  return trimmed ? trimmed : null;
}

/** Written in Latin script: at least one letter, and every letter a Latin one (accents included). */
function isLatinScript(name: string): boolean {
  return /\p{L}/u.test(name) && !/(?!\p{Script=Latin})\p{L}/u.test(name);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The meeting's local date in the student's zone: `2026年11月26日` or `November 26, 2026`. One Intl formatter
 * per locale and zone, kept: building one (or a luxon DateTime) per draft cost ten times the rest of the draft.
 */
function localDate(locale: 'ja' | 'en', timezone: string): Intl.DateTimeFormat {
  const key = `${locale} ${timezone}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: 'long',
      day: 'numeric',
    });
    dateFormats.set(key, format);
  }
  return format;
}
/**
 * "Ms. Yamada" when the title starts with an honorific; the full name otherwise. The name is the English one
 * (englishName), given name first as in an English letter ("Hanako Yamada"), so the family name is its last
 * word.
 */
function englishSalutation(contact: { name: string; title: string | null }): string {
  const honorific = contact.title?.match(HONORIFIC)?.[0];
  if (!honorific) return contact.name;
  const parts = contact.name.trim().split(/\s+/);
  return `${honorific.endsWith('.') ? honorific : `${honorific}.`} ${parts[parts.length - 1]}`;
}

/** The topics discussed, from the notes: one line, cut at a sensible length. */
function topicsFrom(notes: string | null): string | null {
  const line = notes?.replace(/\s+/g, ' ').trim();
  if (!line) return null;
  // Cut by code points, never inside an emoji: half a surrogate pair is invalid JSON for PostgreSQL's jsonb.
  const chars = Array.from(line);
  return chars.length > TOPICS_MAX ? `${chars.slice(0, TOPICS_MAX - 1).join('')}…` : line;
}
