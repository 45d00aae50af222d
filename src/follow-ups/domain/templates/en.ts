import type { LocaleTemplates } from './template-types.js';

/**
 * English drafts: "Dear Ms. Yamada," when the contact's title gives an honorific, else the full name. Only
 * contacts with a Latin-script name are listed here (drafts.ts, englishName); with none, the hiring team.
 */
const salutation = `Dear {{#contacts}}{{salutationName}}{{^last}} and {{/last}}{{/contacts}}{{^contacts}}Hiring Team at {{company}}{{/contacts}},
`;

const thankYou = (subject: string, thanks: string, interest: string) => ({
  subject,
  text: `${salutation}
${thanks}
{{#topics}}I particularly appreciated what you shared about {{topics}}.
{{/topics}}${interest}

Kind regards,
{{studentName}}`,
});

export const en: LocaleTemplates = {
  kindNoun: {
    INTERVIEW: 'interview',
    INFO_SESSION: 'information session',
    CAREER_FAIR: 'career fair',
    NETWORKING: 'meeting',
    OTHER: 'meeting',
  },
  thankYou: {
    INTERVIEW: thankYou(
      'Thank you for the interview on {{date}}',
      'Thank you for taking the time to interview me at {{company}} on {{date}}.',
      'Our conversation made me even more excited about the opportunity to join {{company}}.',
    ),
    INFO_SESSION: thankYou(
      'Thank you for the information session on {{date}}',
      'Thank you for the information session at {{company}} on {{date}}.',
      'It gave me a much clearer picture of your work, and I am keen to learn more.',
    ),
    CAREER_FAIR: thankYou(
      'Thank you for speaking with me at the career fair on {{date}}',
      'Thank you for speaking with me at the {{company}} booth at the career fair on {{date}}.',
      'I would welcome the chance to learn more about opportunities at {{company}}.',
    ),
    NETWORKING: thankYou(
      'Thank you for meeting with me on {{date}}',
      'Thank you for taking the time to meet with me on {{date}}.',
      'Your advice about working at {{company}} will help me a great deal in my job search.',
    ),
    OTHER: thankYou(
      'Thank you for your time on {{date}}',
      'Thank you for your time on {{date}}.',
      'I look forward to staying in touch with {{company}}.',
    ),
  },
  checkIn: {
    subject: 'Following up on my {{kindNoun}} on {{date}}',
    text: `${salutation}
Thank you again for the {{kindNoun}} at {{company}} on {{date}}.
I wanted to politely ask whether there is any update on the next steps. I remain very interested in the position.

Kind regards,
{{studentName}}`,
  },
};
