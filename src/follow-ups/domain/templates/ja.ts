import type { LocaleTemplates } from './template-types.js';

/**
 * Japanese drafts in business-mail form: the company's exact name, each contact as 「会社名 部署・役職 氏名様」,
 * a greeting, the date and topics of the meeting, and a polite closing. Mustache: {{#x}}…{{/x}} repeats or
 * shows a part, {{^x}}…{{/x}} shows it when x is empty.
 */
const addressee = `{{#contacts}}{{company}} {{#title}}{{title}} {{/title}}{{name}}様
{{/contacts}}{{^contacts}}{{company}} 採用ご担当者様
{{/contacts}}`;

const signature = `
{{studentName}}`;

const thankYou = (subject: string, thanks: string, interest: string) => ({
  subject,
  text: `${addressee}
お世話になっております。{{studentName}}です。
${thanks}
{{#topics}}特に「{{topics}}」についてのお話が大変印象に残っております。
{{/topics}}${interest}
今後ともどうぞよろしくお願い申し上げます。
${signature}`,
});

export const ja: LocaleTemplates = {
  kindNoun: {
    INTERVIEW: '面接',
    INFO_SESSION: '会社説明会',
    CAREER_FAIR: '合同企業説明会',
    NETWORKING: 'OB・OG訪問',
    OTHER: '面談',
  },
  thankYou: {
    INTERVIEW: thankYou(
      '【御礼】{{date}}の面接のお礼（{{studentName}}）',
      '{{date}}の面接では、お忙しい中貴重なお時間をいただき、誠にありがとうございました。',
      'お話を伺い、貴社で働きたいという思いが一層強くなりました。',
    ),
    INFO_SESSION: thankYou(
      '【御礼】{{date}}の会社説明会のお礼（{{studentName}}）',
      '{{date}}の会社説明会に参加させていただき、誠にありがとうございました。',
      '貴社の事業や働き方について理解が深まり、より一層関心を持ちました。',
    ),
    CAREER_FAIR: thankYou(
      '【御礼】{{date}}の合同企業説明会でのお礼（{{studentName}}）',
      '{{date}}の合同企業説明会では、貴社のブースにてご説明いただき、誠にありがとうございました。',
      '貴社についてさらに詳しく知りたいと考えております。',
    ),
    NETWORKING: thankYou(
      '【御礼】{{date}}のOB・OG訪問のお礼（{{studentName}}）',
      '{{date}}はOB・OG訪問のお時間をいただき、誠にありがとうございました。',
      '実際のお仕事のお話を伺い、今後の就職活動の大きな参考になりました。',
    ),
    OTHER: thankYou(
      '【御礼】{{date}}の面談のお礼（{{studentName}}）',
      '{{date}}はお時間をいただき、誠にありがとうございました。',
      '今後の就職活動に活かしてまいります。',
    ),
  },
  checkIn: {
    subject: '{{date}}の{{kindNoun}}の選考結果について（{{studentName}}）',
    text: `${addressee}
お世話になっております。{{studentName}}です。
{{date}}の{{kindNoun}}では、誠にありがとうございました。
その後の選考状況につきまして、差し支えなければお教えいただけますと幸いです。
ご多忙のところ恐れ入りますが、何卒よろしくお願い申し上げます。
${signature}`,
  },
};
