import { Field, ObjectType } from '@nestjs/graphql';
import { TEXT_COST } from './list-size.js';

@ObjectType({
  description:
    "The follow-up the student can send for an open gap, ready to read out or send: the thank-you (or check-in) the reminder webhook carries, in the student's language, naming the company and contacts exactly as stored now.",
})
export class Draft {
  @Field({ description: "The student's language, `ja` or `en`, which the draft is written in." })
  locale!: string;

  @Field({ description: 'The e-mail subject line.' })
  subject!: string;

  @Field({
    description: 'The message, plain text with line breaks, ending in one.',
    complexity: TEXT_COST.draft,
  })
  text!: string;
}
