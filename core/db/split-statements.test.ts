import { describe, expect, it } from 'vitest';
import { listMigrations } from './migrate.js';
import { splitStatements } from './split-statements.js';

describe('splitStatements', () => {
  it('splits at top-level semicolons and drops comment-only pieces', () => {
    expect(splitStatements('-- a comment; still a comment\nCREATE TABLE a (x int);\n\n/* b; */ SELECT 1;  ')).toEqual([
      '-- a comment; still a comment\nCREATE TABLE a (x int)',
      '/* b; */ SELECT 1',
    ]);
  });

  it('leaves semicolons in strings, identifiers and dollar-quoted bodies alone', () => {
    const script = `INSERT INTO t VALUES ('a;b', 'it''s; fine');
CREATE TABLE "odd;name" (x int);
DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;
CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql`;
    expect(splitStatements(script)).toHaveLength(4);
    expect(splitStatements(script)[2]).toBe('DO $$ BEGIN PERFORM 1; PERFORM 2; END $$');
  });

  it('splits every real migration into statements that each end where they should', async () => {
    for (const migration of await listMigrations()) {
      const statements = splitStatements(migration.sql);
      // Each statement of ours starts at the beginning of a line; function bodies are indented.
      const starts = migration.sql.match(/^(CREATE|ALTER|INSERT|UPDATE|DELETE|DROP|COMMENT|DO)\b/gm) ?? [];
      expect(statements.length, migration.name).toBe(starts.length);
      for (const statement of statements) expect(statement).toMatch(/^(\s*--[^\n]*\n)*\s*(CREATE|ALTER|INSERT|UPDATE|DELETE|DROP|COMMENT|DO)\b/);
    }
  });
});
