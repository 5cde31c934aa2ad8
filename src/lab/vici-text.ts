/**
 * Parses swanctl's `--raw` output: vici messages printed as nested sections
 * `name {key=value list=[a b] sub {…}}`. Pure, so the SA-listing logic is
 * unit-tested with text captured from strongSwan 5.9.8's swanctl.
 */

export type ViciValue = string | string[] | ViciSection;
export interface ViciSection {
  [key: string]: ViciValue;
}

/** One `list-sa event {…}` line (or any raw vici message) → its top-level section. */
export function parseViciRaw(text: string): ViciSection {
  const tokens = text.match(/\{|\}|\[[^\]]*\]|[^\s{}[\]=]+=(?:\[[^\]]*\]|[^\s{}]*)|[^\s{}]+/g) ?? [];
  let i = 0;
  const section = (): ViciSection => {
    const out: ViciSection = {};
    while (i < tokens.length) {
      const tok = tokens[i++];
      if (tok === '}') return out;
      const eq = tok.indexOf('=');
      if (eq > 0) {
        const value = tok.slice(eq + 1);
        out[tok.slice(0, eq)] = value.startsWith('[') ? value.slice(1, -1).split(/\s+/).filter(Boolean) : value;
      } else if (tokens[i] === '{') {
        i++;
        out[tok] = section();
      } else if (tokens[i]?.startsWith('[')) {
        out[tok] = tokens[i++].slice(1, -1).split(/\s+/).filter(Boolean);
      }
    }
    return out;
  };
  return section();
}

/** The `list-sa event` sections of `swanctl --list-sas --raw`, one per IKE SA, keyed by connection name. */
export function parseListSas(text: string): Array<{ conn: string; sa: ViciSection }> {
  const out: Array<{ conn: string; sa: ViciSection }> = [];
  for (const line of text.split('\n')) {
    const m = /^list-sa event \{(.*)\}\s*$/.exec(line.trim());
    if (!m) continue;
    for (const [conn, sa] of Object.entries(parseViciRaw(m[1]))) {
      if (typeof sa === 'object' && !Array.isArray(sa)) out.push({ conn, sa });
    }
  }
  return out;
}
