#!/usr/bin/env node
// The `shoebox` command. Plain JavaScript so Node can start it; the CLI itself is TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
