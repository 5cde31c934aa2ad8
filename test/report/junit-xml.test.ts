import { expect } from 'chai';
import fc from 'fast-check';
import { renderJunitXml } from '../../src/report/junit-xml.js';
import { escapeAttribute, escapeMarkup } from '../../src/report/markup-escape.js';
import type { RunReport } from '../../src/report/result-model.js';
import { deadPeer, nasty, syntheticRun } from './synthetic-run.js';
import { childrenNamed, readXml, type XmlElement } from './xml-reader.js';

const cases = (root: XmlElement): XmlElement[] => childrenNamed(root, 'testsuite').flatMap((s) => childrenNamed(s, 'testcase'));
const caseTitled = (root: XmlElement, title: string): XmlElement => {
  const found = cases(root).find((c) => c.attributes.name === title);
  if (!found) throw new Error(`no testcase ${title}`);
  return found;
};

describe('report: junit.xml', () => {
  const root = readXml(renderJunitXml(syntheticRun()));

  it('is well-formed: a testsuite per suite and a testcase per scenario, classname = suite', () => {
    expect(root.name).to.equal('testsuites');
    const suites = childrenNamed(root, 'testsuite');
    expect(suites.map((s) => s.attributes.name)).to.deep.equal(['dpd-basics', 'failover']);
    expect(suites.map((s) => childrenNamed(s, 'testcase').length)).to.deep.equal([3, 3]);
    for (const s of suites) for (const c of childrenNamed(s, 'testcase')) expect(c.attributes.classname).to.equal(s.attributes.name);
  });

  it('counts: failed and unexpected-pass are failures, interrupted an error, skipped skipped, expected-fail passes', () => {
    expect(root.attributes).to.include({ tests: '6', failures: '2', errors: '1', skipped: '1' });
    const [basics, failover] = childrenNamed(root, 'testsuite');
    expect(basics.attributes).to.include({ tests: '3', failures: '1', errors: '0', skipped: '0', file: 'suites/dpd-basics.yaml' });
    expect(failover.attributes).to.include({ tests: '3', failures: '1', errors: '1', skipped: '1' });
    // The counts agree with the elements, as CI tools recount them.
    expect(cases(root).filter((c) => childrenNamed(c, 'failure').length === 1)).to.have.length(2);
    expect(cases(root).filter((c) => childrenNamed(c, 'error').length === 1)).to.have.length(1);
    expect(cases(root).filter((c) => childrenNamed(c, 'skipped').length === 1)).to.have.length(1);
  });

  it('failure text gives expected, observed and tolerance of every failed check, in numbers', () => {
    const failure = childrenNamed(caseTitled(root, deadPeer.title), 'failure')[0];
    expect(failure.attributes.message).to.equal('Delete after last retry: expected 2 ± 0.5 s, observed 3.6 s (Delete came late)');
    expect(failure.text.split('\n')).to.deep.equal(['Delete after last retry: expected 2 ± 0.5 s, observed 3.6 s (Delete came late)', 'Delete arrives: expected present, observed nothing observed']);
    expect(caseTitled(root, deadPeer.title).attributes.time).to.equal('20.000');
  });

  it('expected-fail passes with a system-out note giving the declared reason', () => {
    const c = caseTitled(root, 'Retries increment the sequence number');
    expect(c.children.map((x) => x.name)).to.deep.equal(['system-out']);
    expect(c.children[0].text).to.contain('expected-fail').and.contain('strongSwan 5.9 retransmits the same R-U-THERE');
  });

  it('skipped carries its reason; interrupted is an error with its reason', () => {
    expect(childrenNamed(caseTitled(root, 'DUT fails over to the second peer'), 'skipped')[0].attributes.message).to.equal('profile lists one peer');
    expect(childrenNamed(caseTitled(root, 'Long idle timer'), 'error')[0].attributes).to.include({ type: 'interrupted', message: 'run interrupted (SIGINT) during wait 30 s' });
  });

  it('escapes markup in titles and replaces characters XML cannot carry', () => {
    const c = cases(root).find((x) => x.attributes.name.startsWith('Delete carries'));
    expect(c?.attributes.name).to.equal(nasty.title.replace('\u0001', '\uFFFD'));
    expect(childrenNamed(c!, 'failure')[0].attributes.type).to.equal('unexpected-pass');
  });

  it('an empty run is still a valid file', () => {
    const empty: RunReport = { ...syntheticRun(), suites: [] };
    expect(readXml(renderJunitXml(empty)).attributes).to.include({ tests: '0', failures: '0' });
  });

  it('escaping round-trips any string through an XML reader, in text and in attributes', () => {
    const xmlSafe = (s: string): string => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const el = readXml(`<a b="${escapeAttribute(s)}">${escapeMarkup(s)}</a>`);
        expect(el.attributes.b).to.equal(xmlSafe(s));
        expect(el.text).to.equal(xmlSafe(s));
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});
