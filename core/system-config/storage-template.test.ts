import { describe, expect, it } from 'vitest';
import { StorageTemplate } from './storage-template.js';

describe('StorageTemplate.problem', () => {
  it('accepts Immich’s default and its documented variables', () => {
    expect(StorageTemplate.problem('{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}')).toBeUndefined();
    expect(StorageTemplate.problem('{{#if album}}{{album}}{{else}}Other{{/if}}/{{album-startDate-y}}/{{assetIdShort}}.{{ext}}')).toBeUndefined();
  });

  it('refuses unknown variables, empty templates, climbing out and stray braces', () => {
    expect(StorageTemplate.problem('{{foo}}')).toBe('unknown variable {{foo}}');
    expect(StorageTemplate.problem('  ')).toBe('the template is empty');
    expect(StorageTemplate.problem('../{{filename}}')).toMatch(/climb/);
    expect(StorageTemplate.problem('{{y}}/{{filename')).toBe('unbalanced braces');
  });
});
