/**
 * Authentication with the CPS (OURS, see README "Authentication"): a
 * challenge bound to one professional, answered by the CPS authentication
 * key's signature and certificate, gives a short-lived opaque bearer
 * token, stored hashed. Failed answers count against the professional;
 * after `maxFailures` of them the professional is locked out for
 * `lockMs` (DOMAIN.md "Teleservices": amelipro locks an account after 3
 * wrong passwords).
 * @module
 */
import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';
import { x509, type ChallengeAnswer, type ChallengeRequest, type TokenAnswer, type TokenRequest } from '../../protocol/index.js';
import { certificateRpps, checkCpsAuthentication, type TeleserviceTrust } from './certificate.js';
import { TeleserviceError } from './errors.js';
import type { TeleserviceStore, TokenRow } from './store.js';

/** How many failed authentications lock a professional out, and for how long. */
export interface LockoutPolicy {
  /** Failed authentications in a row that lock the professional (default 3, like amelipro). */
  readonly maxFailures: number;
  /** How long the lock lasts, ms (default 15 minutes, ours). */
  readonly lockMs: number;
}

/** The default lock-out: 3 failures, 15 minutes. */
export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 3, lockMs: 15 * 60_000 };
/** Default bearer token lifetime: 10 minutes (ours: short-lived, a new CPS authentication after). */
export const DEFAULT_TOKEN_LIFETIME_MS = 10 * 60_000;
/** Default challenge lifetime: 2 minutes (ours: long enough for a card at its real pace). */
export const DEFAULT_CHALLENGE_LIFETIME_MS = 2 * 60_000;
/** Bytes of a challenge (32, base64url in the API). */
export const CHALLENGE_BYTES = 32;

/** What the authentication service works with. */
export interface AuthDeps {
  readonly store: TeleserviceStore;
  readonly trust: TeleserviceTrust;
  /** ms since 1970. */
  readonly now: () => number;
  readonly lockout: LockoutPolicy;
  readonly tokenLifetimeMs: number;
  readonly challengeLifetimeMs: number;
  readonly randomBytes?: (size: number) => Uint8Array;
}

/** Base64 or base64url text to bytes (Node's decoder takes both alphabets; the schemas allow only those characters). */
export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** Bytes to base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** The SHA-256 of a bearer token, hex: what the store keeps instead of the token. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The teleservice's authentication: challenges, tokens, bearer checks. */
export interface AuthService {
  challenge(request: ChallengeRequest): ChallengeAnswer;
  token(request: TokenRequest): TokenAnswer;
  /** The token row behind an `Authorization` header; throws `missing-token`, `invalid-token` or `expired-token`. */
  bearer(authorization: string | undefined): TokenRow;
}

/** The authentication service over a store, trust anchors and a clock. */
export function createAuthService(deps: AuthDeps): AuthService {
  const { store, lockout } = deps;
  const random = deps.randomBytes ?? ((n: number) => new Uint8Array(nodeRandomBytes(n)));

  function refuseIfLocked(rpps: string, now: number): void {
    const lockedUntil = store.professional(rpps)?.lockedUntil;
    if (lockedUntil !== undefined && lockedUntil !== null && lockedUntil > now) {
      throw new TeleserviceError('account-locked', `too many failed authentications: locked until ${iso(lockedUntil)}`, Math.ceil((lockedUntil - now) / 1000));
    }
  }

  function recordFailure(rpps: string, now: number): string {
    const before = store.professional(rpps);
    const failures = (before?.failures ?? 0) + 1;
    if (failures >= lockout.maxFailures) {
      store.saveProfessional({ rpps, failures: 0, lockedUntil: now + lockout.lockMs });
      return `; that was failure ${failures}: locked until ${iso(now + lockout.lockMs)}`;
    }
    store.saveProfessional({ rpps, failures, lockedUntil: null });
    return `; failure ${failures} of ${lockout.maxFailures}`;
  }

  return {
    challenge(request) {
      const now = deps.now();
      let rpps = request.rpps;
      if (request.certificate !== undefined) {
        const certificate = x509(fromBase64(request.certificate));
        if (certificate === undefined) throw new TeleserviceError('bad-certificate', 'the certificate is not X.509 DER');
        const named = certificateRpps(certificate);
        if (named === undefined) throw new TeleserviceError('certificate-usage', 'the certificate names no RPPS number (subject serialNumber 8<RPPS>)');
        if (rpps !== undefined && rpps !== named) throw new TeleserviceError('wrong-professional', 'the certificate names another professional than "rpps"');
        rpps = named;
      }
      if (rpps === undefined) throw new TeleserviceError('invalid-request', 'give "rpps" or "certificate"');
      refuseIfLocked(rpps, now);
      const bytes = random(CHALLENGE_BYTES);
      const id = toBase64Url(random(16));
      const expiresAt = now + deps.challengeLifetimeMs;
      store.insertChallenge({ id, rpps, challenge: bytes, createdAt: now, expiresAt });
      return { challengeId: id, challenge: toBase64Url(bytes), expiresAt: iso(expiresAt) };
    },

    token(request) {
      const now = deps.now();
      // A refusal thrown inside rolls back (nothing stored); a failed proof is returned, so the failure count commits.
      const outcome = store.transaction((): { refused: TeleserviceError } | { answer: TokenAnswer } => {
        const challenge = store.challenge(request.challengeId);
        if (challenge === undefined) throw new TeleserviceError('unknown-challenge', 'no such challenge: ask for one with POST /v1/auth/challenge');
        refuseIfLocked(challenge.rpps, now);
        if (challenge.usedAt !== null) throw new TeleserviceError('challenge-used', 'this challenge was answered already: ask for a new one');
        if (challenge.expiresAt < now) throw new TeleserviceError('challenge-expired', `the challenge expired at ${iso(challenge.expiresAt)}: ask for a new one`);
        store.useChallenge(challenge.id, now);
        const checked = checkCpsAuthentication(fromBase64(request.certificate), fromBase64(request.signature), challenge.challenge, deps.trust, now, challenge.rpps);
        if (!checked.ok) {
          // Recorded even though the answer is an error: the lock-out counts it.
          const count = recordFailure(challenge.rpps, now);
          return { refused: new TeleserviceError(checked.code, `${checked.message}${count}`) };
        }
        store.saveProfessional({ rpps: checked.identity.rpps, failures: 0, lockedUntil: null }, now);
        const token = toBase64Url(random(32));
        const expiresAt = now + deps.tokenLifetimeMs;
        store.insertToken({ hash: tokenHash(token), rpps: checked.identity.rpps, certificateSerial: checked.identity.serial, issuedAt: now, expiresAt });
        return { answer: { token, tokenType: 'Bearer', expiresAt: iso(expiresAt), professional: { rpps: checked.identity.rpps, name: checked.identity.commonName } } };
      });
      if ('refused' in outcome) throw outcome.refused;
      return outcome.answer;
    },

    bearer(authorization) {
      const match = authorization === undefined ? null : /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(authorization);
      if (match?.[1] === undefined) throw new TeleserviceError('missing-token', 'send "Authorization: Bearer <token>" (POST /v1/auth/token gives one)');
      const row = store.token(tokenHash(match[1]));
      if (row === undefined) throw new TeleserviceError('invalid-token', 'unknown bearer token');
      if (row.expiresAt < deps.now()) throw new TeleserviceError('expired-token', `the token expired at ${iso(row.expiresAt)}: authenticate again`);
      return row;
    },
  };
}
