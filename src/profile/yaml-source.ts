/**
 * A YAML file parsed with positions kept, so any value or key found by its
 * path can be reported as file:line:col with the line shown under the message.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError, type ErrorCode } from '../errors.js';

export type FieldPath = ReadonlyArray<string | number>;

export interface Position {
  line: number;
  col: number;
  excerpt: string;
}

export class YamlSource {
  private constructor(
    readonly file: string,
    private readonly text: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** Parses text; a syntax error becomes ERR_CONFIG_SYNTAX at its position. */
  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const source = new YamlSource(file, text, doc, lines);
    const first = doc.errors[0];
    if (first) {
      const message = first.message.split('\n')[0] ?? first.message;
      // `${…}` starts a flow mapping inside `{ }`: the usual cause of this parser message in a suite.
      const hint = /flow-map-start/.test(message) && text.includes('${') ? ' (quote expressions inside { }: "${dpd.interval} * 2")' : '';
      throw source.errorAtOffset('ERR_CONFIG_SYNTAX', first.pos[0], message + hint);
    }
    return source;
  }

  static read(file: string): YamlSource {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError('ERR_CONFIG_SYNTAX', { file, line: 1, col: 1 }, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return YamlSource.parse(file, text);
  }

  /** The plain data (maps become objects). */
  value(): unknown {
    return this.doc.toJS();
  }

  /** Position of the value at `path`, or of its key when `key` is set; the nearest existing ancestor when the path is absent. */
  locate(path: FieldPath, options: { key?: boolean } = {}): Position {
    let node: unknown = this.doc.contents;
    let offset = (node as Node | null)?.range?.[0] ?? 0;
    for (const [i, segment] of path.entries()) {
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
        if (!pair) break;
        const keyStart = (pair.key as Node | null)?.range?.[0];
        if (last && options.key && keyStart !== undefined) return this.positionAt(keyStart);
        node = pair.value;
        offset = (pair.value as Node | null)?.range?.[0] ?? keyStart ?? offset;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
        node = node.items[segment];
        offset = (node as Node).range?.[0] ?? offset;
      } else {
        break;
      }
    }
    return this.positionAt(offset);
  }

  positionAt(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, col, excerpt: this.text.split(/\r?\n/)[line - 1] ?? '' };
  }

  error(code: ErrorCode, path: FieldPath, message: string, options: { key?: boolean; colOffset?: number } = {}): ConfigError {
    const at = this.locate(path, options);
    return new ConfigError(code, { file: this.file, line: at.line, col: at.col + (options.colOffset ?? 0), excerpt: at.excerpt }, message);
  }

  errorAtOffset(code: ErrorCode, offset: number, message: string): ConfigError {
    const at = this.positionAt(offset);
    return new ConfigError(code, { file: this.file, ...at }, message);
  }
}

/** Every problem found in one or more files; `errors` in file order. Its own position is the first error's. */
export class ConfigErrors extends ConfigError {
  readonly errors: ConfigError[];
  constructor(errors: ConfigError[]) {
    const first = errors[0]!;
    super(first.code, { file: first.file, line: first.line, col: first.col, ...(first.excerpt === undefined ? {} : { excerpt: first.excerpt }) }, first.message.slice(`${first.file}:${first.line}:${first.col}: `.length));
    this.errors = errors;
    this.message = errors.map(formatConfigError).join('\n');
  }
}

/** `file:line:col: message`, the offending line under it and a caret at the column. */
export function formatConfigError(err: ConfigError): string {
  if (err instanceof ConfigErrors) return err.errors.map(formatConfigError).join('\n');
  if (err.excerpt === undefined) return err.message;
  const caret = `${' '.repeat(Math.max(0, err.col - 1))}^`;
  return `${err.message}\n    ${err.excerpt}\n    ${caret}`;
}
