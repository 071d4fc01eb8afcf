/**
 * Splits a SQL script into statements at top-level semicolons, leaving semicolons inside
 * quotes, identifiers, comments and dollar-quoted bodies alone. For runners that take one
 * statement at a time (the RDS Data API); the `pg` driver takes whole scripts.
 */
export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const statement = script.slice(start, end).trim();
    if (statement && !/^(--[^\n]*\n?|\s|\/\*[\s\S]*?\*\/)*$/.test(statement)) statements.push(statement);
  };
  while (i < script.length) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end + 1;
    } else if (ch === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end === -1 ? script.length : end + 2;
    } else if (ch === "'" || ch === '"') {
      i++;
      while (i < script.length) {
        if (script[i] === ch && script[i + 1] === ch) i += 2;
        else if (script[i] === ch) break;
        else i++;
      }
      i++;
    } else if (ch === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(script.slice(i))?.[0];
      if (tag) {
        const end = script.indexOf(tag, i + tag.length);
        i = end === -1 ? script.length : end + tag.length;
      } else {
        i++;
      }
    } else if (ch === ';') {
      push(i);
      start = ++i;
    } else {
      i++;
    }
  }
  push(script.length);
  return statements;
}
