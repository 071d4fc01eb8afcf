/**
 * Immich's storage template (where its server files originals). Shoebox stores originals by
 * id and never moves them, so the template is only kept for Immich's settings page; it is
 * still checked as Immich checks it, so a template that would fail in Immich fails here too.
 */
const TOKENS = new Set([
  'y', 'yy', 'M', 'MM', 'MMM', 'MMMM', 'W', 'WW', 'd', 'dd', 'h', 'hh', 'H', 'HH', 'm', 'mm', 's', 'ss', 'SSS',
  'filename', 'ext', 'filetype', 'filetypefull', 'assetId', 'assetIdShort', 'album', 'make', 'model', 'lensModel',
]);
const DATE_PART = /^album-(?:startDate|endDate)-[yMdWhHmsS]+$/;

export const StorageTemplate = {
  /** What Immich's settings page offers to build a template from. */
  options: {
    yearOptions: ['y', 'yy'],
    monthOptions: ['M', 'MM', 'MMM', 'MMMM'],
    weekOptions: ['W', 'WW'],
    dayOptions: ['d', 'dd'],
    hourOptions: ['h', 'hh', 'H', 'HH'],
    minuteOptions: ['m', 'mm'],
    secondOptions: ['s', 'ss', 'SSS'],
    presetOptions: [
      '{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}',
      '{{y}}/{{MM}}/{{filename}}',
      '{{y}}/{{MMMM}}/{{dd}}/{{filename}}',
      '{{y}}-{{MM}}-{{dd}}/{{filename}}',
      '{{y}}/{{#if album}}{{album}}{{else}}Other/{{MM}}{{/if}}/{{filename}}',
      '{{album}}/{{filename}}',
      '{{make}}/{{model}}/{{filename}}',
    ],
  },

  /** Why the template is refused, or undefined when it is fine. */
  problem(template: string): string | undefined {
    if (!template.trim()) return 'the template is empty';
    if (/(^|\/)\.\.(\/|$)/.test(template)) return 'the template may not climb out of the library (..)';
    for (const [, inner] of template.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      const expression = inner!.replace(/^(?:#if|#unless|\/if|\/unless|else)\b\s*/, '');
      if (expression === '' || TOKENS.has(expression) || DATE_PART.test(expression)) continue;
      return `unknown variable {{${inner}}}`;
    }
    if (/\{\{|\}\}/.test(template.replace(/\{\{[^}]*\}\}/g, ''))) return 'unbalanced braces';
    return undefined;
  },
};
