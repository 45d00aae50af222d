import { Int, type ArgsOptions, type ComplexityEstimatorArgs } from '@nestjs/graphql';
import { badUserInput } from '../graphql-errors.js';

/**
 * How many items a list field returns: `first` (nullable, with a default) up to a maximum. The bound is
 * stated in the schema, applied in SQL per parent, and multiplied into the query cost, so the size of an
 * answer follows from the query alone, whatever the data holds.
 */
export class ListSize {
  constructor(
    readonly defaultValue: number,
    readonly max: number,
  ) {}

  /** The `first` argument as the schema declares it. */
  get arg(): ArgsOptions {
    return {
      type: () => Int,
      nullable: true,
      defaultValue: this.defaultValue,
      description: `1 to ${this.max}; null: ${this.defaultValue}.`,
    };
  }

  /** The size asked for; BAD_USER_INPUT naming `first` outside 1–max. */
  of(first: number | null | undefined): number {
    const size = first ?? this.defaultValue;
    if (!Number.isInteger(size) || size < 1 || size > this.max)
      throw badUserInput(`first must be between 1 and ${this.max}.`, 'first');
    return size;
  }

  /**
   * Cost of the list: each of its (at most `first`) items costs 1 plus its selection. An out-of-range `first`
   * counts once: the resolver refuses it (BAD_USER_INPUT naming `first`) and returns nothing.
   */
  readonly complexity = ({ args, childComplexity }: ComplexityEstimatorArgs): number => {
    const first = typeof args.first === 'number' ? args.first : this.defaultValue;
    const size = first >= 1 && first <= this.max ? first : 1;
    return size * (1 + childComplexity);
  };
}

/** Nested lists: 20 by default, 100 at most (as pages of studentsMissingFollowUps). */
export const NESTED_LIST = new ListSize(20, 100);
/** An interaction's contacts: REST accepts at most 50 per interaction. */
export const CONTACTS = new ListSize(20, 50);
/** followUpStats.perAdvisor: a center's advisors, by externalId (one advisor: filter by advisorExternalId). */
export const PER_ADVISOR = new ListSize(100, 100);

/**
 * Cost of free-text fields instead of 1, by their longest value (notes 10,000 characters, reasons 2,000), so
 * the cost bounds the answer's size in bytes too (an ordinary value is at most a few hundred). A draft's text
 * names each of up to 50 contacts with the company, title and name (200 characters each) besides its body:
 * about 32,000 characters at most.
 */
export const TEXT_COST = { notes: 50, reason: 10, draft: 160 } as const;
