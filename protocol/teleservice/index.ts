/**
 * The JSON bodies of bifente's teleservice HTTP API (OURS): authentication,
 * errors, lot upload, ARL, returns and rights lookup, as the emulated teleservice writes them
 * and the host reads them. Types only. See README.md.
 * @module
 */
export type { ChallengeAnswer, ChallengeRequest, ErrorAnswer, TokenAnswer, TokenProfessional, TokenRequest } from './auth-api.js';
export type { ArlAnswer, ArlPending, ArlReady, LotReceipt, LotReturn, LotUpload, ReturnContent, ReturnInvoice, ReturnNotice, ReturnsPage } from './lot-api.js';
export type { BeneficiaryIdentity, BeneficiaryQuality, CardGeneration, IsoDate, MedecinTraitantAnswer, RightsAnswer, RightsPeriod, RightsQuery } from './rights-api.js';
