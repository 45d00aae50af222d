import type { InteractionKind } from '../policy.js';

export interface Template {
  subject: string;
  text: string;
}

export interface LocaleTemplates {
  /** How the text refers to each kind of meeting. */
  kindNoun: Record<InteractionKind, string>;
  thankYou: Record<InteractionKind, Template>;
  checkIn: Template;
}
