/**
 * Coverage at the act date and the third-party payment rules (DOMAIN.md
 * "Home-visit billing": full for C2S beneficiaries, AMO only for ALD and
 * maternity). The AMO rates come from the tariff table; which rate applies
 * is OURS (see README).
 * @module
 */
import type { FseCoverage, ThirdPartyCode } from '../../protocol/index.js';
import type { TariffTable } from './tariffs.js';

/** A period, `YYYY-MM-DD`, end inclusive and optional (open). */
export interface Period {
  readonly start: string;
  readonly end?: string;
}

/** A coverage period of the Vitale (data group 106). */
export interface CoveragePeriod extends Period {
  readonly ald: boolean;
  readonly situation: 'none' | 'c2s' | 'c2s-participation' | 'maternity' | 'invalidity';
}

/** What the Vitale says of a beneficiary's rights (data groups 105 and 106). */
export interface BeneficiaryRights {
  readonly amoRights: readonly Period[];
  readonly coverage: readonly CoveragePeriod[];
}

const covers = (p: Period, date: string) => p.start <= date && (p.end === undefined || date <= p.end);

/**
 * The coverage in force at `actDate`: AMO rights open, and the ALD / C2S
 * (with or without participation) / maternity of the periods covering it.
 * @example coverageAt({ amoRights: [{ start: '2024-01-01' }], coverage: [] }, '2026-03-14') // { rightsValid: true, ald: false, ... }
 */
export function coverageAt(rights: BeneficiaryRights, actDate: string): FseCoverage {
  const active = rights.coverage.filter((c) => covers(c, actDate));
  return {
    ald: active.some((c) => c.ald),
    c2s: active.some((c) => c.situation === 'c2s' || c.situation === 'c2s-participation'),
    maternity: active.some((c) => c.situation === 'maternity'),
    rightsValid: rights.amoRights.some((p) => covers(p, actDate)),
  };
}

/**
 * The B2 payee code: 15 (full) for C2S, 05 (AMO only) for ALD-related acts
 * and maternity, 00 otherwise; 00 also when the rights are closed at the
 * act date (OURS: no third party without open rights).
 * @example thirdPartyFor({ ald: false, c2s: true, maternity: false, rightsValid: true }, true) // '15'
 */
export function thirdPartyFor(coverage: FseCoverage, aldRelated: boolean): ThirdPartyCode {
  if (!coverage.rightsValid) return '00';
  if (coverage.c2s) return '15';
  if ((coverage.ald && aldRelated) || coverage.maternity) return '05';
  return '00';
}

/**
 * The AMO rate in percent (OURS): the table's `maternity` rate, else its
 * `ald` rate for ALD-related acts, else `common`.
 * @example amoRateFor(table, coverage, true) // 100 for an ALD patient
 */
export function amoRateFor(table: TariffTable, coverage: FseCoverage, aldRelated: boolean): number {
  if (coverage.maternity) return table.amoRatePercent.maternity;
  if (coverage.ald && aldRelated) return table.amoRatePercent.ald;
  return table.amoRatePercent.common;
}
