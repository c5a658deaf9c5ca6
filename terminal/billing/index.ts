/**
 * Billing of the home visit: the dated tariff tables, the act menu for a
 * patient at a date, pricing (acts, IK, urgent PDSA supplement), coverage at
 * the act date and the third-party rules. Pure: the caller reads the file.
 * @module
 */
export { ikRate, parseTariffBook, tariffAt } from './tariffs.js';
export type { AmoRates, IkRate, IkTariff, TariffAct, TariffActKind, TariffBook, TariffReason, TariffTable } from './tariffs.js';
export { amoRateFor, coverageAt, thirdPartyFor } from './coverage.js';
export type { BeneficiaryRights, CoveragePeriod, Period } from './coverage.js';
export { actMenu, ageAt, billedKm, priceVisit } from './visit.js';
export type { PricedVisit, VisitFlag, VisitReason, VisitRequest } from './visit.js';
