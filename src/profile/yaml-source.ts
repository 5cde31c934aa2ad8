/**
 * A YAML file parsed with positions kept, so any value or key found by its
 * path can be reported as file:line:col with the line shown under the message.
 */
import { readFileSync } from 'node:fs';
import { Alias, LineCounter, isAlias, isCollection, isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import { ConfigError, type ErrorCode } from '../errors.js';

/** Suites and profiles are a few KB; anything far bigger is the wrong file (or an attack on the parser). */
export const MAX_FILE_BYTES = 1 << 20;
/** Deeper nesting than any suite or profile needs; keeps the recursive walks far from the stack limit. */
export const MAX_DEPTH = 64;
/** Aliases a document may expand (the yaml library's default, made explicit: it stops alias bombs). */
export const MAX_ALIAS_COUNT = 100;

/** Words for the errno codes a user meets when naming a file. */
const READ_FAILURES: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory (give a file)',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
};

export function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return (code && READ_FAILURES[code]) ?? code ?? (err as Error).message;
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

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
    private data: unknown = undefined,
  ) {}

  /**
   * Parses text; a syntax error, an empty document, nesting deeper than MAX_DEPTH or an
   * alias expansion beyond MAX_ALIAS_COUNT becomes a ConfigError at its position. Whatever
   * the parser throws is caught here: a broken input never ends in a stack trace.
   */
  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const source = new YamlSource(file, text, doc, lines);
    const first = doc.errors[0];
    if (first) {
      let message = first.message.split('\n')[0] ?? first.message;
      if (/call stack/i.test(message)) message = `nested too deeply to parse (at most ${MAX_DEPTH} levels)`;
      // `${…}` starts a flow mapping inside `{ }`: the usual cause of this parser message in a suite.
      const hint = /flow-map-start/.test(message) && text.includes('${') ? ' (quote expressions inside { }: "${dpd.interval} * 2")' : '';
      throw source.errorAtOffset('ERR_CONFIG_SYNTAX', first.pos[0], message + hint);
    }
    if (doc.contents === null) throw source.errorAtOffset('ERR_CONFIG_SCHEMA', 0, 'the file is empty: expected a suite or a profile');
    source.checkDepth();
    source.data = source.toPlain();
    return source;
  }

  /** Reads and parses `file`; unreadable, oversized and binary files are ERR_CONFIG_SYNTAX at 1:1 (or at the first bad byte). */
  static read(file: string): YamlSource {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      throw new ConfigError('ERR_CONFIG_SYNTAX', { file, line: 1, col: 1 }, `cannot read: ${readFailure(err)}`);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new ConfigError('ERR_CONFIG_SYNTAX', { file, line: 1, col: 1 }, `${bytes.length} bytes: larger than ${MAX_FILE_BYTES} bytes, not a suite or profile`);
    }
    const text = bytes.toString('utf8');
    // YAML forbids C0 controls other than tab, LF and CR (YAML 1.2 §5.1): a NUL means a binary file;
    // a byte that is not UTF-8 decodes to U+FFFD.
    const bad = isUtf8(bytes) ? text.search(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/u) : text.indexOf('\ufffd');
    if (bad >= 0) {
      const before = text.slice(0, bad).split('\n');
      const line = before.length;
      throw new ConfigError('ERR_CONFIG_SYNTAX', { file, line, col: before[line - 1]!.length + 1 }, 'not a text file (binary, or not UTF-8)');
    }
    return YamlSource.parse(file, text);
  }

  /** The plain data (maps become objects). */
  value(): unknown {
    return this.data;
  }

  private checkDepth(): void {
    const limit = (node: Node | null): void => {
      if (node?.range) throw this.errorAtOffset('ERR_CONFIG_SYNTAX', node.range[0], `nested deeper than ${MAX_DEPTH} levels`);
    };
    visit(this.doc, {
      Node: (_key, node, path) => {
        // path holds the document and, per level, a collection and (in maps) a pair.
        if (isCollection(node) && path.filter(isCollection).length >= MAX_DEPTH) limit(node);
      },
    });
  }

  /** toJS with the alias limit; an alias that resolves to nothing or expands too much is reported at that alias. */
  private toPlain(): unknown {
    let current: Alias | undefined;
    visit(this.doc, {
      Alias: (_key, alias) => {
        // Each alias records itself before it resolves, so a throw can be placed at it.
        alias.toJSON = (arg?: unknown, ctx?: unknown) => {
          current = alias;
          return Alias.prototype.toJSON.call(alias, arg, ctx as never);
        };
      },
    });
    try {
      return this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const excessive = /excessive alias count/i.test((err as Error).message);
      const message = excessive
        ? `aliases expand to more than ${MAX_ALIAS_COUNT} nodes (an alias bomb?)`
        : ((err as Error).message.split('\n')[0] ?? 'cannot convert');
      throw this.errorAtOffset('ERR_CONFIG_SYNTAX', current?.range?.[0] ?? 0, message);
    }
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
