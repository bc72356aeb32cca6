import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

/** Structured JSON logs; credentials never reach them. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    redact: {
      paths: ['req.headers.authorization', '*.authorization', '*.key', '*.signingSecret', '*.secret', '*.token'],
      censor: '[redacted]',
    },
  });
}
