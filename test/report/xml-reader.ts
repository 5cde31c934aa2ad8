/**
 * A deliberately strict reader for the XML subset junit.xml uses (prolog,
 * elements, attributes, text, character and the five predefined entity
 * references; no DTD, comments or CDATA). It throws on anything that is not
 * well-formed XML 1.0, so a test that reads junit.xml back proves CI parsers
 * will too, and it returns a tree for counting. Test-only: the harness never
 * reads XML.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /[A-Za-z_:][A-Za-z0-9_.:-]*/y;
const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9A-Fa-f]+));/y;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** XML 1.0 §2.2 Char, as text (surrogate pairs allowed, lone ones not). */
const BAD_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function readXml(text: string): XmlElement {
  // §2.11: literal CR LF and lone CR reach the application as LF.
  const source = text.replace(/\r\n?/g, '\n');
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at ${at}: ${why}`);
  };
  const bad = BAD_CHAR.exec(source);
  if (bad) {
    at = bad.index;
    fail('character not allowed in XML');
  }
  const skipSpace = (): void => {
    while (/[ \t\r\n]/.test(source[at] ?? '')) at++;
  };
  const name = (): string => {
    NAME.lastIndex = at;
    const m = NAME.exec(source);
    if (!m) return fail('expected a name');
    at += m[0].length;
    return m[0];
  };
  /** Character data up to `stop`, with entity references decoded. */
  const chars = (stop: string, inAttribute = false): string => {
    let out = '';
    while (at < source.length && !stop.includes(source[at])) {
      const c = source[at];
      if (c === '<') fail("'<' in character data");
      if (c === '&') {
        ENTITY.lastIndex = at;
        const m = ENTITY.exec(source);
        if (!m) fail("'&' not starting an entity reference");
        out += m![1] ? PREDEFINED[m![1]] : String.fromCodePoint(parseInt(m![2] ?? m![3], m![2] ? 10 : 16));
        at += m![0].length;
      } else {
        // §3.3.3: literal white space in attribute values normalises to a space; references keep theirs.
        out += inAttribute && /[\t\n]/.test(c) ? ' ' : c;
        at++;
      }
    }
    return out;
  };
  const element = (): XmlElement => {
    if (source[at] !== '<') fail("expected '<'");
    at++;
    const el: XmlElement = { name: name(), attributes: {}, children: [], text: '' };
    for (;;) {
      const hadSpace = /[ \t\r\n]/.test(source[at] ?? '');
      skipSpace();
      if (source.startsWith('/>', at)) {
        at += 2;
        return el;
      }
      if (source[at] === '>') {
        at++;
        break;
      }
      if (!hadSpace) fail('attributes must be separated by white space');
      const attr = name();
      if (Object.hasOwn(el.attributes, attr)) fail(`duplicate attribute ${attr}`);
      skipSpace();
      if (source[at] !== '=') fail("expected '='");
      at++;
      skipSpace();
      const quote = source[at];
      if (quote !== '"' && quote !== "'") fail('attribute value not quoted');
      at++;
      el.attributes[attr] = chars(quote + '<', true);
      if (source[at] !== quote) fail('unterminated attribute value');
      at++;
    }
    for (;;) {
      el.text += chars('<');
      if (at >= source.length) fail(`unclosed <${el.name}>`);
      if (source.startsWith('</', at)) {
        at += 2;
        if (name() !== el.name) fail(`mismatched end tag for <${el.name}>`);
        skipSpace();
        if (source[at] !== '>') fail("expected '>'");
        at++;
        return el;
      }
      el.children.push(element());
    }
  };
  if (source.startsWith('<?xml', at)) {
    const end = source.indexOf('?>', at);
    if (end === -1) fail('unterminated XML declaration');
    at = end + 2;
  }
  skipSpace();
  const root = element();
  skipSpace();
  if (at !== source.length) fail('content after the root element');
  return root;
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
