/**
 * CQL the follower sends. Dates in CQL are "yyyy-MM-dd HH:mm" (or with slashes) in the calling
 * user's time zone, to the minute (developer.atlassian.com/cloud/confluence/cql-fields, Created /
 * Last modified). A follower whose checkpoint is t asks for
 *
 *   space = "KEY" and type = page and lastmodified >= "minute(t − lag) in zone" order by lastmodified asc
 *
 * which returns t's own minute again (and `lag` before it): the versions it already emitted are
 * dropped by their version number (follow-checkpoint.ts), so nothing is repeated or missed.
 */
export function cqlDate(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** A CQL string literal: double quotes, with `"` and `\` escaped. */
export function cqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function modifiedSinceCql(spaceKey: string, sinceMs: number, timeZone: string): string {
  return (
    `space = ${cqlString(spaceKey)} and type = page and lastmodified >= ${cqlString(cqlDate(sinceMs, timeZone))}` +
    ' order by lastmodified asc'
  );
}

export function spacePagesCql(spaceKey: string): string {
  return `space = ${cqlString(spaceKey)} and type = page`;
}

/** True when `timeZone` is an IANA zone name this runtime knows (validated at start-up). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}
