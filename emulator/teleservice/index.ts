/**
 * The emulated teleservices (issue 7, OURS): a real HTTP server with CPS
 * authentication and rights lookup, its OpenAPI document, its SQLite store.
 * The JSON bodies of its routes are protocol's (`protocol/teleservice`).
 * See README.md.
 * @module
 */
export {
  createTeleservice,
  DEFAULT_BODY_LIMIT,
  DEFAULT_LOT_BODY_LIMIT,
  DEFAULT_RATE_LIMIT,
  DEFAULT_TELESERVICE_DB,
  OPENAPI_PATH,
  type RateLimit,
  type Teleservice,
  type TeleserviceOptions,
  type TrustOptions,
} from './teleservice.js';
export { CHALLENGE_BYTES, DEFAULT_CHALLENGE_LIFETIME_MS, DEFAULT_LOCKOUT, DEFAULT_TOKEN_LIFETIME_MS, type LockoutPolicy } from './auth.js';
export { CLIENT_AUTH_USAGE, certificateRpps } from './certificate.js';
export { revokedSerials, type CrlFailure, type CrlResult } from './crl.js';
export { TELESERVICE_ERRORS, TeleserviceError, type ErrorBody, type TeleserviceErrorCode } from './errors.js';
export { TELESERVICE_APPLICATION_ID, TELESERVICE_MIGRATIONS, TELESERVICE_SCHEMA_VERSION, TeleserviceStoreError, type ChallengeRow, type ProfessionalRow, type TeleserviceMigration, type TeleserviceStore, type TokenRow } from './store.js';
export { DEFAULT_ARL_DELAY_MS, DEFAULT_RETURN_DELAY_MS, RETURNS_PAGE } from './lot-reception.js';
export { DEFAULT_RETURN_RULES, type ReturnCondition, type ReturnRule } from './lot-returns.js';
export type { ReceptionRow, ReturnRow } from './lot-store.js';
