/**
 * Confluence Cloud's rules for a label name, as the REST API applies them to `POST …/label`:
 *
 *   labels(input) = { lowercase(w) | w ∈ split(input, whitespace), w ≠ "" }
 *   valid(w) ⇔ 1 ≤ |w| ≤ 255 ∧ w contains none of  ! # & ( ) * , . : ; < > ? @ [ ] ^
 *
 * (A name with spaces becomes several labels; "Foo" and "foo" are the same label.)
 */
export const LABEL_PREFIXES = ['global', 'my', 'team'] as const;
export type LabelPrefix = (typeof LABEL_PREFIXES)[number];

const FORBIDDEN = /[!#&()*,.:;<>?@[\]^]/;
const MAX_LENGTH = 255;

/** The label names one requested name becomes: split on whitespace, lowercased. */
export function labelNamesFrom(input: string): string[] {
  return input
    .split(/\s+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}

/** Why a (split, lowercased) name cannot be a label, or undefined when it can. */
export function labelNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'A label name must not be empty';
  if (name.length > MAX_LENGTH) return `A label name must be at most ${MAX_LENGTH} characters`;
  const bad = FORBIDDEN.exec(name);
  if (bad !== null) return `Label '${name}' contains an invalid character: '${bad[0]}'`;
  return undefined;
}

export function isLabelPrefix(value: string): value is LabelPrefix {
  return (LABEL_PREFIXES as readonly string[]).includes(value);
}
