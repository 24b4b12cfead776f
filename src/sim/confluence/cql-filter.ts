import { CqlError, parseCql, type CqlExpr, type CqlOperator, type CqlOrder } from './cql-parser.js';

/**
 * What a parsed CQL query means for one piece of content, and in what order results come.
 *
 * Dates are read in UTC (Confluence reads them in the user's time zone) and compared at the
 * precision the query wrote, as CQL does:
 *
 *   "yyyy-MM-dd HH:mm" (or yyyy/MM/dd)  ⇒ minute:  t matches `>= v` ⇔ ⌊t⌋₁ₘᵢₙ ≥ v
 *   "yyyy-MM-dd"                        ⇒ day:     t matches `= v`  ⇔ ⌊t⌋₁d = v
 *
 * so a follower polling `lastmodified >= "<its checkpoint>"` sees the checkpoint's minute again.
 * Without ORDER BY the order is by id; every order breaks ties by id.
 */
export interface CqlRecord {
  id: string;
  type: string;
  spaceKey: string;
  title: string;
  labels: readonly string[];
  created: number;
  lastModified: number;
}

export interface CqlFilter {
  matches(record: CqlRecord): boolean;
  compare(a: CqlRecord, b: CqlRecord): number;
}

type FieldKind = 'key' | 'text' | 'date';

const FIELDS: Record<string, FieldKind> = {
  space: 'key',
  'space.key': 'key',
  type: 'key',
  id: 'key',
  content: 'key',
  label: 'key',
  title: 'text',
  created: 'date',
  lastmodified: 'date',
};
const ORDERABLE = new Set(['id', 'title', 'created', 'lastmodified']);
const OPERATORS: Record<FieldKind, readonly CqlOperator[]> = {
  key: ['=', '!=', 'in', 'not in'],
  text: ['=', '!=', '~', '!~'],
  date: ['=', '!=', '>', '>=', '<', '<='],
};
const DATE = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:\s+(\d{2}):(\d{2}))?$/;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function compileCql(cql: string): CqlFilter {
  const query = parseCql(cql);
  const matches = compileExpr(query.where);
  for (const order of query.orderBy) {
    if (!ORDERABLE.has(order.field)) throw new CqlError(`cannot order by '${order.field}'`);
  }
  return { matches, compare: comparator(query.orderBy) };
}

function compileExpr(expr: CqlExpr): (r: CqlRecord) => boolean {
  switch (expr.kind) {
    case 'and': {
      const [left, right] = [compileExpr(expr.left), compileExpr(expr.right)];
      return (r) => left(r) && right(r);
    }
    case 'or': {
      const [left, right] = [compileExpr(expr.left), compileExpr(expr.right)];
      return (r) => left(r) || right(r);
    }
    case 'not': {
      const inner = compileExpr(expr.expr);
      return (r) => !inner(r);
    }
    case 'clause':
      return compileClause(expr.field, expr.op, expr.values);
  }
}

function compileClause(field: string, op: CqlOperator, values: string[]): (r: CqlRecord) => boolean {
  const kind = FIELDS[field];
  if (kind === undefined) throw new CqlError(`the field '${field}' is not supported`);
  if (!OPERATORS[kind].includes(op)) throw new CqlError(`the operator '${op}' does not apply to '${field}'`);
  if (kind === 'date')
    return dateClause(field === 'created' ? 'created' : 'lastModified', op, values[0] ?? '');
  if (kind === 'text') {
    const wanted = (values[0] ?? '').toLowerCase();
    const test = op === '=' || op === '!=' ? (t: string) => t === wanted : (t: string) => t.includes(wanted);
    const negated = op === '!=' || op === '!~';
    return (r) => test(r.title.toLowerCase()) !== negated;
  }
  const wanted = new Set(values.map((v) => (field.startsWith('space') ? v.toUpperCase() : v.toLowerCase())));
  const negated = op === '!=' || op === 'not in';
  const read = keyReader(field);
  return (r) => read(r).some((v) => wanted.has(v)) !== negated;
}

function keyReader(field: string): (r: CqlRecord) => readonly string[] {
  switch (field) {
    case 'space':
    case 'space.key':
      return (r) => [r.spaceKey.toUpperCase()];
    case 'type':
      return (r) => [r.type];
    case 'label':
      return (r) => r.labels;
    default:
      return (r) => [r.id];
  }
}

function dateClause(
  field: 'created' | 'lastModified',
  op: CqlOperator,
  text: string,
): (r: CqlRecord) => boolean {
  const parsed = DATE.exec(text.trim());
  if (parsed === null) throw new CqlError(`'${text}' is not a date (yyyy-MM-dd or yyyy-MM-dd HH:mm)`);
  const [, y, mo, d, h, mi] = parsed;
  const step = h === undefined ? DAY_MS : MINUTE_MS;
  const value = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0));
  const at = (r: CqlRecord): number => Math.floor(r[field] / step) * step;
  switch (op) {
    case '=':
      return (r) => at(r) === value;
    case '!=':
      return (r) => at(r) !== value;
    case '>':
      return (r) => at(r) > value;
    case '>=':
      return (r) => at(r) >= value;
    case '<':
      return (r) => at(r) < value;
    default:
      return (r) => at(r) <= value;
  }
}

function comparator(orderBy: readonly CqlOrder[]): (a: CqlRecord, b: CqlRecord) => number {
  return (a, b) => {
    for (const { field, direction } of orderBy) {
      const sign = direction === 'asc' ? 1 : -1;
      const diff = compareField(field, a, b);
      if (diff !== 0) return sign * diff;
    }
    return compareIds(a.id, b.id);
  };
}

function compareField(field: string, a: CqlRecord, b: CqlRecord): number {
  switch (field) {
    case 'title':
      return a.title.localeCompare(b.title);
    case 'created':
      return a.created - b.created;
    case 'lastmodified':
      return a.lastModified - b.lastModified;
    default:
      return compareIds(a.id, b.id);
  }
}

/** Numeric ids compare as numbers ("99" before "100"). */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
