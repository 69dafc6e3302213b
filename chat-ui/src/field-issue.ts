import type { z } from 'zod';
import { sentence } from './sentence.ts';

/** What is wrong with an edited field, from the protocol schema's issue, in words for people. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return 'Fill this in.';
      if (issue.origin === 'array' && Number(issue.minimum) === 1) return 'Choose at least one.';
      return issue.origin === 'number' ? `Use at least ${issue.minimum}.` : sentence(issue.message);
    case 'too_big':
      if (issue.origin === 'string') return `Use at most ${issue.maximum} characters.`;
      if (issue.origin === 'array') return `Choose at most ${issue.maximum}.`;
      return issue.origin === 'number' ? `Use at most ${issue.maximum}.` : sentence(issue.message);
    case 'invalid_format':
      if (issue.format === 'url') return 'Enter a full address, starting with http:// or https://.';
      // The protocol's patterns say what they want ("a locale such as en-GB").
      return issue.format === 'regex' ? sentence(`use ${issue.message}`) : sentence(issue.message);
    case 'invalid_type':
      if (issue.expected === 'int') return 'Use a whole number.';
      return issue.expected === 'number' ? 'Enter a number.' : 'Fill this in.';
    case 'invalid_union': {
      // The first way of writing the field that got past its own shape says best what is wrong.
      const closest = issue.errors.find((issues) => !issues.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
      return closest?.[0] ? describeIssue(closest[0]) : sentence(issue.message);
    }
    default:
      return sentence(issue.message);
  }
}
