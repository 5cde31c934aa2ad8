import { expect } from 'chai';
import fc from 'fast-check';
import { ExpressionError, evaluate, evaluateValue, parseExpression } from '../../src/scenario/expression.js';

const vars = new Map([
  ['dpd.interval', 10],
  ['dpd.retry_interval', 2],
  ['dpd.probes_before_dead', 5],
]);

const errorAt = (text: string): { at: number; message: string } => {
  try {
    evaluate(parseExpression(text), vars);
  } catch (err) {
    if (err instanceof ExpressionError) return { at: err.at, message: err.message };
    throw err;
  }
  throw new Error(`no error for ${text}`);
};

describe('scenario/expression', () => {
  it('evaluates numbers, units, variables, precedence, parentheses, unary minus, min/max', () => {
    expect(evaluateValue(3, vars)).to.equal(3);
    expect(evaluateValue('500ms', vars)).to.equal(0.5);
    expect(evaluateValue('2s + 250ms', vars)).to.equal(2.25);
    expect(evaluateValue('${dpd.interval} + ${dpd.retry_interval} * ${dpd.probes_before_dead}', vars)).to.equal(20);
    expect(evaluateValue('(${dpd.interval} + ${dpd.retry_interval}) * 2', vars)).to.equal(24);
    expect(evaluateValue('${dpd.interval} / 4 - -1', vars)).to.equal(3.5);
    expect(evaluateValue('max(${dpd.retry_interval}, 3, 1) + min(1, .5)', vars)).to.equal(3.5);
    expect(evaluateValue('  ${ dpd.interval }  ', vars)).to.equal(10);
  });

  it('points at the offending column', () => {
    expect(errorAt('${dpd.intervall} * 2')).to.deep.equal({ at: 0, message: 'unknown variable ${dpd.intervall} (known: dpd.interval, dpd.retry_interval, dpd.probes_before_dead)' });
    expect(errorAt('1 + * 2').at).to.equal(4);
    expect(errorAt('(1 + 2').message).to.equal("expected ')' at the end");
    expect(errorAt('2 3').at).to.equal(2);
    expect(errorAt('dpd.interval + 1')).to.deep.include({ at: 0 });
    expect(errorAt('dpd.interval + 1').message).to.match(/variables are written \$\{dpd\}/);
    expect(errorAt('10 / (${dpd.interval} - 10)')).to.deep.equal({ at: 3, message: 'division by zero' });
    expect(errorAt('${dpd.interval').message).to.equal("variable not closed with '}'");
    expect(errorAt('5 minutes').at).to.equal(2);
    expect(errorAt('1 + 5min')).to.deep.equal({ at: 4, message: "bad number '5min' (units: s, ms)" });
  });

  it('agrees with JavaScript arithmetic on random sums and products (fast-check, seed 7)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('+', '-', '*'), fc.integer({ min: 0, max: 999 })), { maxLength: 8 }), fc.integer({ min: 0, max: 999 }), (rest, first) => {
        const text = `${first}${rest.map(([op, n]) => ` ${op} ${n}`).join('')}`;
        // eslint-disable-next-line no-new-func -- the oracle: JavaScript evaluates the same integer arithmetic
        const oracle = Function(`return ${text}`)() as number;
        expect(evaluateValue(text, vars)).to.equal(oracle);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
