import { describe, expect, it } from 'vitest';
import { sameOriginPath } from '../site/src/lib/same-origin-path.js';

// The login page's ?next=: each row a way to leave the site or run script, seen in the wild.
const ORIGIN = 'http://192.168.1.20:2283';
const cases: [string | null, string][] = [
  [null, '/'],
  ['', '/'],
  ['/albums/?id=1#x', '/albums/?id=1#x'],
  ['/search/?q=caf%C3%A9', '/search/?q=caf%C3%A9'],
  ['javascript:alert(document.cookie)', '/'],
  ['JavaScript:alert(1)', '/'],
  [' javascript:alert(1)', '/'],
  ['https://evil.example/', '/'],
  ['//evil.example/', '/'],
  ['/\\evil.example', '/'],
  ['\\\\evil.example', '/'],
  ['/\t/evil.example', '/'],
  ['/\n/evil.example', '/'],
  ['data:text/html,<script>alert(1)</script>', '/'],
  ['http:evil.example', '/'],
  ['/../../etc/passwd', '/etc/passwd'],
];

describe('the login page goes on only to a path on this site', () => {
  it.each(cases)('%j → %s', (next, expected) => expect(sameOriginPath(next, ORIGIN)).toBe(expected));
});
