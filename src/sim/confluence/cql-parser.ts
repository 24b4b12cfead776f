/**
 * A parser for the part of CQL (Confluence Query Language) the simulator answers:
 *
 *   query   := or [ORDER BY field [ASC|DESC] {, field [ASC|DESC]}]
 *   or      := and {OR and}          and := not {AND not}          not := NOT not | atom
 *   atom    := "(" or ")" | field op value | field [NOT] IN "(" value {, value} ")"
 *   op      := = | != | > | >= | < | <= | ~ | !~        value := "…" | '…' | word
 *
 * Keywords are case-insensitive. Functions (`now()`, `currentUser()` …) are not supported: they,
 * like any other syntax error, throw CqlError, which the API answers with Confluence's 400.
 */
export type CqlOperator = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~' | '!~' | 'in' | 'not in';

export type CqlExpr =
  | { kind: 'and' | 'or'; left: CqlExpr; right: CqlExpr }
  | { kind: 'not'; expr: CqlExpr }
  | { kind: 'clause'; field: string; op: CqlOperator; values: string[] };

export interface CqlOrder {
  field: string;
  direction: 'asc' | 'desc';
}

export interface CqlQuery {
  where: CqlExpr;
  orderBy: CqlOrder[];
}

export class CqlError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CqlError';
  }
}

type Token = { kind: 'word' | 'string' | 'op' | 'punct'; text: string; at: number };

const OPERATORS = ['!=', '!~', '>=', '<=', '=', '>', '<', '~'];
const WORD = /[A-Za-z0-9_.\-:/+]/;

export function tokenizeCql(cql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < cql.length) {
    const c = cql[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c, at: i++ });
    } else if (c === '"' || c === "'") {
      let text = '';
      let j = i + 1;
      while (j < cql.length && cql[j] !== c) {
        if (cql[j] === '\\' && j + 1 < cql.length) j++;
        text += cql[j];
        j++;
      }
      if (j >= cql.length) throw new CqlError(`unterminated string at ${i}`);
      tokens.push({ kind: 'string', text, at: i });
      i = j + 1;
    } else {
      const op = OPERATORS.find((o) => cql.startsWith(o, i));
      if (op !== undefined) {
        tokens.push({ kind: 'op', text: op, at: i });
        i += op.length;
        continue;
      }
      let j = i;
      while (j < cql.length && WORD.test(cql[j] as string)) j++;
      if (j === i) throw new CqlError(`unexpected '${c}' at ${i}`);
      tokens.push({ kind: 'word', text: cql.slice(i, j), at: i });
      i = j;
    }
  }
  return tokens;
}

export function parseCql(cql: string): CqlQuery {
  const parser = new Parser(tokenizeCql(cql));
  return parser.query();
}

class Parser {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  query(): CqlQuery {
    if (this.tokens.length === 0 || this.isKeyword('order')) throw new CqlError('a query needs a clause');
    const where = this.or();
    const orderBy: CqlOrder[] = [];
    if (this.isKeyword('order')) {
      this.i++;
      this.expectKeyword('by');
      do {
        const field = this.word('a field to order by').toLowerCase();
        let direction: 'asc' | 'desc' = 'asc';
        if (this.isKeyword('asc') || this.isKeyword('desc'))
          direction = this.next().text.toLowerCase() as 'asc';
        orderBy.push({ field, direction });
      } while (this.acceptPunct(','));
    }
    const rest = this.tokens[this.i];
    if (rest !== undefined) throw new CqlError(`unexpected '${rest.text}' at ${rest.at}`);
    return { where, orderBy };
  }

  private or(): CqlExpr {
    let left = this.and();
    while (this.isKeyword('or')) {
      this.i++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): CqlExpr {
    let left = this.not();
    while (this.isKeyword('and')) {
      this.i++;
      left = { kind: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): CqlExpr {
    if (this.isKeyword('not')) {
      this.i++;
      return { kind: 'not', expr: this.not() };
    }
    if (this.acceptPunct('(')) {
      const inner = this.or();
      this.expectPunct(')');
      return inner;
    }
    return this.clause();
  }

  private clause(): CqlExpr {
    const field = this.word('a field').toLowerCase();
    if (this.isKeyword('in') || this.isKeyword('not')) {
      const negated = this.next().text.toLowerCase() === 'not';
      if (negated) this.expectKeyword('in');
      this.expectPunct('(');
      const values = [this.value()];
      while (this.acceptPunct(',')) values.push(this.value());
      this.expectPunct(')');
      return { kind: 'clause', field, op: negated ? 'not in' : 'in', values };
    }
    const op = this.next();
    if (op.kind !== 'op') throw new CqlError(`expected an operator after '${field}' at ${op.at}`);
    return { kind: 'clause', field, op: op.text as CqlOperator, values: [this.value()] };
  }

  private value(): string {
    const token = this.next();
    if (token.kind !== 'string' && token.kind !== 'word')
      throw new CqlError(`expected a value at ${token.at}`);
    if (token.kind === 'word' && this.tokens[this.i]?.text === '(') {
      throw new CqlError(`the function ${token.text}() is not supported`);
    }
    return token.text;
  }

  private word(what: string): string {
    const token = this.next();
    if (token.kind !== 'word') throw new CqlError(`expected ${what} at ${token.at}`);
    return token.text;
  }

  private next(): Token {
    const token = this.tokens[this.i++];
    if (token === undefined) throw new CqlError('unexpected end of query');
    return token;
  }

  private isKeyword(keyword: string): boolean {
    const token = this.tokens[this.i];
    return token?.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private expectKeyword(keyword: string): void {
    if (!this.isKeyword(keyword)) throw new CqlError(`expected '${keyword.toUpperCase()}'`);
    this.i++;
  }

  private acceptPunct(text: string): boolean {
    if (this.tokens[this.i]?.kind === 'punct' && this.tokens[this.i]?.text === text) {
      this.i++;
      return true;
    }
    return false;
  }

  private expectPunct(text: string): void {
    if (!this.acceptPunct(text)) throw new CqlError(`expected '${text}'`);
  }
}
