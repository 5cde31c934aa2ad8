/**
 * Text and attribute escaping for the XML and HTML reports. Everything in a
 * report can come from a suite author, a DUT's log or a malformed packet
 * summary, so every interpolation goes through here.
 */

/**
 * Characters XML 1.0 forbids even when escaped (§2.2 Char production): C0
 * controls other than TAB/LF/CR, lone surrogates, U+FFFE/U+FFFF. A daemon log
 * line with a stray control byte must not make junit.xml unparsable.
 */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\r': '&#13;' };

/**
 * Safe in element content and in single- or double-quoted attributes of both
 * XML and HTML. CR goes out as a reference because parsers turn a literal CR
 * into LF (XML 1.0 §2.11).
 */
export function escapeMarkup(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"'\r]/g, (c) => ENTITIES[c]);
}

/**
 * Attribute values are normalised by XML parsers (§3.3.3: literal TAB/LF
 * become spaces), so keep multi-line text intact with character references.
 */
export function escapeAttribute(text: string): string {
  return escapeMarkup(text).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}
