/**
 * A small JSON Schema walker for the subset the shipped schemas use (type,
 * enum, const, properties, required, additionalProperties, items, min/max,
 * lengths, pattern, property counts, $ref into $defs). It returns every
 * violation with the path of the offending value, so the caller can point
 * at it in the YAML; a full validator (ajv) would add a dependency and still
 * need this path → position mapping.
 */
import type { FieldPath } from './yaml-source.js';

export interface JsonSchema {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: JsonType | JsonType[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  minLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minProperties?: number;
  maxProperties?: number;
  description?: string;
  [other: string]: unknown;
}

type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

export interface SchemaViolation {
  path: FieldPath;
  /** The violation is about the key at `path` (an unknown field), not its value. */
  atKey: boolean;
  message: string;
}

function typeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as JsonType;
}

const matchesType = (v: unknown, t: JsonType): boolean => typeOf(v) === t || (t === 'number' && typeOf(v) === 'integer');

const article = (t: JsonType): string => (t === 'integer' || t === 'object' || t === 'array' ? `an ${t}` : `a ${t}`);

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : typeOf(v) === 'object' ? 'a mapping' : typeOf(v) === 'array' ? 'a list' : String(v));

export function checkSchema(value: unknown, schema: JsonSchema, root: JsonSchema = schema, path: FieldPath = []): SchemaViolation[] {
  const out: SchemaViolation[] = [];
  const name = path.length === 0 ? '(top level)' : path.join('.');
  const fail = (message: string, at: FieldPath = path, atKey = false): void => {
    out.push({ path: at, atKey, message });
  };
  if (schema.$ref) {
    const def = schema.$ref.replace(/^#\/\$defs\//, '');
    const target = root.$defs?.[def];
    if (!target) throw new Error(`schema: unresolved $ref ${schema.$ref}`);
    return checkSchema(value, target, root, path);
  }
  if (schema.type) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => matchesType(value, t))) {
      fail(`${name}: must be ${types.map(article).join(' or ')}, got ${show(value)}`);
      return out;
    }
  }
  if (schema.const !== undefined && value !== schema.const) fail(`${name}: must be ${show(schema.const)}, got ${show(value)}`);
  if (schema.enum && !schema.enum.includes(value)) fail(`${name}: must be one of ${schema.enum.join(', ')}, got ${show(value)}`);
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) fail(`${name}: must not be empty`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) fail(`${name}: ${show(value)} does not match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`${name}: must be at least ${schema.minimum}, got ${value}`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`${name}: must be at most ${schema.maximum}, got ${value}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) fail(`${name}: must be greater than ${schema.exclusiveMinimum}, got ${value}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail(`${name}: needs at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}, got ${value.length}`);
    if (schema.items) value.forEach((item, i) => out.push(...checkSchema(item, schema.items!, root, [...path, i])));
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    const known = Object.keys(schema.properties ?? {});
    for (const key of keys) {
      const sub = schema.properties?.[key];
      if (sub) out.push(...checkSchema(obj[key], sub, root, [...path, key]));
      else if (schema.additionalProperties === false) fail(`${[...path, key].join('.')}: unknown field (expected ${known.join(', ')})`, [...path, key], true);
      else if (typeof schema.additionalProperties === 'object') out.push(...checkSchema(obj[key], schema.additionalProperties, root, [...path, key]));
    }
    for (const key of schema.required ?? []) if (!(key in obj)) fail(`${name}: missing required field ${key}`);
    if (schema.minProperties !== undefined && keys.length < schema.minProperties) fail(`${name}: needs one of ${known.join(', ')}`);
    if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
      fail(`${name}: only ${schema.maxProperties === 1 ? 'one' : schema.maxProperties} of ${known.join(', ')} allowed, got ${keys.join(', ')}`);
    }
  }
  return out;
}
