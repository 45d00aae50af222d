import Mustache from 'mustache';
import type { InteractionKind } from './policy.js';
import { en } from './templates/en.js';
import { ja } from './templates/ja.js';

export interface DraftInput {
  locale: 'ja' | 'en';
  purpose: 'THANK_YOU' | 'CHECK_IN';
  kind: InteractionKind;
  studentName: string;
  /** The company's exact registered name, used verbatim. */
  companyName: string;
  contacts: { name: string; title: string | null }[];
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
const CJK = /[\u3040-\u30ff\u3400-\u9fff]/;
const TOPICS_MAX = 120;

/** SPEC rule 10: a ready thank-you or check-in in the student's language, naming company and contacts exactly. */
export function renderDraft(input: DraftInput): Draft {
  const templates = TEMPLATES[input.locale];
  const template = input.purpose === 'CHECK_IN' ? templates.checkIn : templates.thankYou[input.kind];
  const view = {
    studentName: input.studentName,
    company: input.companyName,
    kindNoun: templates.kindNoun[input.kind],
    date: localDate(input.locale, input.timezone).format(input.occurredAt),
    topics: topicsFrom(input.notes),
    contacts: input.contacts.map((contact, index) => ({
      company: input.companyName,
      name: contact.name,
      title: contact.title && !HONORIFIC.test(contact.title) ? contact.title : null,
      salutationName: englishSalutation(contact),
      last: index === input.contacts.length - 1,
    })),
  };
  // Drafts are plain text: nothing is HTML-escaped.
  const render = (text: string) => Mustache.render(text, view, {}, { escape: (value: string) => value });
  return { subject: render(template.subject).trim(), text: `${render(template.text).trim()}\n` };
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
/** "Ms. Yamada" when the title starts with an honorific; the full name otherwise. */
function englishSalutation(contact: { name: string; title: string | null }): string {
  const honorific = contact.title?.match(HONORIFIC)?.[0];
  if (!honorific) return contact.name;
  const parts = contact.name.trim().split(/\s+/);
  // Japanese names are written family name first; Western names family name last.
  const family = CJK.test(contact.name) ? parts[0] : parts[parts.length - 1];
  return `${honorific.endsWith('.') ? honorific : `${honorific}.`} ${family}`;
}

/** The topics discussed, from the notes: one line, cut at a sensible length. */
function topicsFrom(notes: string | null): string | null {
  const line = notes?.replace(/\s+/g, ' ').trim();
  if (!line) return null;
  // Cut by code points, never inside an emoji: half a surrogate pair is invalid JSON for PostgreSQL's jsonb.
  const chars = Array.from(line);
  return chars.length > TOPICS_MAX ? `${chars.slice(0, TOPICS_MAX - 1).join('')}…` : line;
}
