import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Config } from '../config.js';

/** Structured JSON logs (Powertools) everywhere, so local and Lambda logs read the same. */
export function createLogger(level: Config['logLevel'], serviceName = 'shoebox'): PowertoolsLogger {
  return new PowertoolsLogger({ serviceName, logLevel: level });
}
