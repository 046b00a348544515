// Structured logs, and errors to Sentry when a DSN is set.
import pino from "pino";
import * as Sentry from "@sentry/node";

const { LOG_LEVEL, SENTRY_DSN, NODE_ENV } = process.env;

export const logger = pino({ level: LOG_LEVEL });

if (SENTRY_DSN) {
  Sentry.init({ dsn: SENTRY_DSN, environment: NODE_ENV });
}
