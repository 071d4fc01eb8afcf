import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The response shapes of @immich/sdk 3.2.2, read from its type declarations: what the phone
 * app's generated client requires. A required field that is missing, or of another type, is an
 * exception in the app — so every answer the app reads is checked against these.
 */
interface Field {
  name: string;
  optional: boolean;
  type: string;
}

const declarations = readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('@immich/sdk')), 'fetch-client.d.ts'), 'utf8');
const SHAPES = new Map<string, Field[]>();
for (const block of declarations.matchAll(/^export type (\w+) = \{\n([\s\S]*?)\n\};$/gm)) {
  const fields = [...block[2]!.matchAll(/^ {4}"?([\w$]+)"?(\??): (.+);$/gm)].map((m) => ({ name: m[1]!, optional: m[2] === '?', type: m[3]! }));
  SHAPES.set(block[1]!, fields);
}
// Shapes with no fields (SyncAckV1, SyncCompleteV1, …) are declared as `object`.
for (const empty of declarations.matchAll(/^export type (\w+) = (?:object|\{\});$/gm)) SHAPES.set(empty[1]!, []);
const ENUMS = new Map<string, string[]>();
for (const block of declarations.matchAll(/^export declare enum (\w+) \{\n([\s\S]*?)\n\}$/gm)) {
  ENUMS.set(block[1]!, [...block[2]!.matchAll(/= "([^"]*)"/g)].map((m) => m[1]!));
}

/** Every way `value` fails the SDK's `typeName`, as paths; empty when it fits. */
export function immichShapeProblems(value: unknown, typeName: string, at = typeName): string[] {
  const fields = SHAPES.get(typeName);
  if (!fields) throw new Error(`@immich/sdk has no type ${typeName}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: expected an object, got ${JSON.stringify(value)?.slice(0, 60)}`];
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of fields) {
    const v = record[field.name];
    if (v === undefined) {
      if (!field.optional) problems.push(`${at}.${field.name}: missing`);
      continue;
    }
    problems.push(...typeProblems(v, field.type, `${at}.${field.name}`));
  }
  return problems;
}

function typeProblems(value: unknown, type: string, at: string): string[] {
  const alternatives = type.split(' | ').map((t) => t.trim());
  if (value === null) return alternatives.includes('null') ? [] : [`${at}: null, but the SDK says ${type}`];
  const problems = alternatives.filter((t) => t !== 'null').map((t) => oneTypeProblems(value, t, at));
  return problems.some((p) => p.length === 0) ? [] : problems[0] ?? [];
}

function oneTypeProblems(value: unknown, type: string, at: string): string[] {
  if (type.endsWith('[]')) {
    if (!Array.isArray(value)) return [`${at}: expected ${type}`];
    return value.flatMap((item, i) => oneTypeProblems(item, type.slice(0, -2), `${at}[${i}]`));
  }
  if (type === 'string' || type === 'number' || type === 'boolean') return typeof value === type ? [] : [`${at}: expected ${type}, got ${JSON.stringify(value)?.slice(0, 60)}`];
  if (ENUMS.has(type)) return ENUMS.get(type)!.includes(value as string) ? [] : [`${at}: ${JSON.stringify(value)} is not a ${type}`];
  if (SHAPES.has(type)) return immichShapeProblems(value, type, at);
  // Anything else (object literals, unknown, Blob) is not checked further.
  return [];
}
