/**
 * The expression language of suite values: numbers with optional units
 * (`2`, `2s`, `500ms`), profile variables (`${dpd.interval}`), + - * /,
 * parentheses and min(…)/max(…). Durations evaluate to seconds. Errors carry
 * the 0-based column inside the expression text so the compiler can point at
 * the exact character in the YAML file.
 */

export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'variable'; name: string; at: number }
  | { kind: 'negate'; operand: Expr }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Expr; right: Expr; at: number }
  | { kind: 'call'; fn: 'min' | 'max'; args: Expr[] };

export class ExpressionError extends Error {
  /** 0-based index into the expression text. */
  readonly at: number;
  constructor(at: number, message: string) {
    super(message);
    this.at = at;
  }
}

const UNIT_SCALE: Record<string, number> = { s: 1, ms: 0.001 };

export function parseExpression(text: string): Expr {
  let i = 0;
  const skip = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const peek = (): string | undefined => {
    skip();
    return text[i];
  };
  const expect = (ch: string): void => {
    if (peek() !== ch) throw new ExpressionError(i, i < text.length ? `expected '${ch}', found '${text[i]}'` : `expected '${ch}' at the end`);
    i++;
  };

  type BinaryOp = Extract<Expr, { kind: 'binary' }>['op'];
  /** One precedence level: operands from the next tighter level, joined left to right by `ops`. */
  const leftAssociative = (ops: readonly BinaryOp[], operand: () => Expr) => (): Expr => {
    let left = operand();
    for (let op = peek(); ops.includes(op as BinaryOp); op = peek()) {
      const at = i++;
      left = { kind: 'binary', op: op as BinaryOp, left, right: operand(), at };
    }
    return left;
  };
  const product = leftAssociative(['*', '/'], unary);
  const sum = leftAssociative(['+', '-'], product);
  function unary(): Expr {
    if (peek() === '-') {
      i++;
      return { kind: 'negate', operand: unary() };
    }
    return primary();
  }
  function primary(): Expr {
    const ch = peek();
    const start = i;
    if (ch === undefined) throw new ExpressionError(i, 'expected a number, ${variable}, min(…), max(…) or ( at the end');
    if (ch === '(') {
      i++;
      const inner = sum();
      expect(')');
      return inner;
    }
    if (ch === '$') {
      if (text[i + 1] !== '{') throw new ExpressionError(i, "expected '${' to start a variable");
      const close = text.indexOf('}', i + 2);
      if (close === -1) throw new ExpressionError(i, "variable not closed with '}'");
      const name = text.slice(i + 2, close).trim();
      if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$/.test(name)) throw new ExpressionError(i + 2, `bad variable name '${name}'`);
      i = close + 1;
      return { kind: 'variable', name, at: start };
    }
    const num = /^(\d+(?:\.\d+)?|\.\d+)(ms|s)?(?![A-Za-z0-9_])/.exec(text.slice(i));
    if (num) {
      i += num[0].length;
      return { kind: 'number', value: Number(num[1]) * UNIT_SCALE[num[2] ?? 's']! };
    }
    const fn = /^(min|max)\s*\(/.exec(text.slice(i));
    if (fn) {
      i += fn[0].length;
      const args = [sum()];
      while (peek() === ',') {
        i++;
        args.push(sum());
      }
      expect(')');
      return { kind: 'call', fn: fn[1] as 'min' | 'max', args };
    }
    const badNumber = /^\d[\w.]*/.exec(text.slice(i));
    if (badNumber) throw new ExpressionError(i, `bad number '${badNumber[0]}' (units: s, ms)`);
    const word = /^[A-Za-z_]\w*/.exec(text.slice(i));
    if (word) throw new ExpressionError(i, `unknown name '${word[0]}' (variables are written \${${word[0]}}; functions: min, max; units: s, ms)`);
    throw new ExpressionError(i, `unexpected '${ch}'`);
  }

  const expr = sum();
  if (peek() !== undefined) throw new ExpressionError(i, `unexpected '${text[i]}' after a complete expression`);
  return expr;
}

export function evaluate(expr: Expr, variables: ReadonlyMap<string, number>): number {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'variable': {
      const v = variables.get(expr.name);
      if (v === undefined) throw new ExpressionError(expr.at, `unknown variable \${${expr.name}} (known: ${[...variables.keys()].join(', ')})`);
      return v;
    }
    case 'negate':
      return -evaluate(expr.operand, variables);
    case 'call': {
      const values = expr.args.map((a) => evaluate(a, variables));
      return expr.fn === 'min' ? Math.min(...values) : Math.max(...values);
    }
    case 'binary': {
      const l = evaluate(expr.left, variables);
      const r = evaluate(expr.right, variables);
      if (expr.op === '/' && r === 0) throw new ExpressionError(expr.at, 'division by zero');
      return expr.op === '+' ? l + r : expr.op === '-' ? l - r : expr.op === '*' ? l * r : l / r;
    }
  }
}

/** A suite value: a plain number (seconds or a count) or an expression string. */
export function evaluateValue(value: number | string, variables: ReadonlyMap<string, number>): number {
  return typeof value === 'number' ? value : evaluate(parseExpression(value), variables);
}
