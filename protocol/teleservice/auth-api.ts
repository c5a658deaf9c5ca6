/**
 * The JSON bodies of the authentication routes and the error answer of
 * bifente's teleservice (OURS: emulator/teleservice README
 * "Authentication"): a challenge bound to one professional, answered by the
 * CPS authentication key's signature and certificate, gives a short-lived
 * bearer token.
 * @module
 */

/** `POST /v1/auth/challenge` body: who asks, by RPPS or by the CPS authentication certificate (DER, base64url). */
export interface ChallengeRequest {
  readonly rpps?: string;
  readonly certificate?: string;
}

/** `POST /v1/auth/challenge` answer (200). */
export interface ChallengeAnswer {
  readonly challengeId: string;
  /** Base64url of the random bytes the CPS authentication key signs. */
  readonly challenge: string;
  /** ISO date-time, server clock. */
  readonly expiresAt: string;
}

/** `POST /v1/auth/token` body: the challenge answered, each binary field base64url. */
export interface TokenRequest {
  readonly challengeId: string;
  /** RSA PKCS#1 v1.5 signature of the challenge by the CPS authentication key. */
  readonly signature: string;
  /** The CPS authentication certificate, DER. */
  readonly certificate: string;
}

/** The professional a token was given to. */
export interface TokenProfessional {
  readonly rpps: string;
  readonly name: string;
}

/** `POST /v1/auth/token` answer (200): an opaque bearer token. */
export interface TokenAnswer {
  readonly token: string;
  readonly tokenType: 'Bearer';
  /** ISO date-time, server clock. */
  readonly expiresAt: string;
  readonly professional: TokenProfessional;
}

/** The body of every 4xx and 5xx answer: a stable machine code and a message for people. */
export interface ErrorAnswer {
  readonly error: { readonly code: string; readonly message: string };
}
