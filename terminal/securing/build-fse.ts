/**
 * From a priced visit, the CPS situation, the patient and the device to the
 * `Fse` value (protocol `fse()`), and the securing mode it will carry
 * (DOMAIN.md B2 "top certification": S with the Vitale, F without, D
 * degraded).
 *
 * OURS: a degraded FSE (no Vitale) names the patient by the keyed NIR,
 * birth date and rang only: names `INCONNU`, qualité `00`, the insured is
 * the patient, the fund is the device's local fund (set per practice), and
 * the coverage is unknown: no ALD, C2S or maternity, rights not shown
 * valid, so no third party (the patient pays; billing flags it).
 * @module
 */
import { fail, fse, type Fse, type FseCoverage, type FseReason, type FseReplacedDoctor, type ParseResult, type SecuringMode } from '../../protocol/index.js';
import type { PricedVisit } from '../billing/index.js';
import type { VitaleCardData } from '../cards/vitale-card.js';
import type { CpsSituation } from '../machines/index.js';
import type { CpsSigner } from './card-signing.js';

/** A health insurance fund: régime (2 digits), caisse (3), centre (4). */
export interface Fund {
  readonly regime: string;
  readonly caisse: string;
  readonly centre: string;
}

/** What the device contributes to every FSE. */
export interface DeviceInfo {
  /** The device's agreement number (B2 lot trailer): printable ASCII, no space, 1-32. */
  readonly agreement: string;
  /** The practice's local fund, for degraded FSEs (OURS). */
  readonly localFund: Fund;
}

/** The patient of a visit: a beneficiary read from a Vitale, or an identity keyed in (degraded mode). */
export type VisitPatient =
  | { readonly kind: 'vitale'; readonly card: VitaleCardData; readonly beneficiary: number }
  | { readonly kind: 'keyed'; readonly nir: string; readonly birthDate: string; readonly birthRank: number };

/**
 * The replaced doctor's identity for a substitute's situation (DOMAIN.md
 * "Substitute doctors": the replaced doctor registers the substitute; the
 * terminal keeps that registration, OURS). Undefined: not registered.
 */
export type ReplacedDoctors = (replaces: { readonly doctorId: string; readonly situation: number }) => FseReplacedDoctor | undefined;

/** Everything an FSE is built from. */
export interface FseDraft {
  readonly invoiceNumber: number;
  /** From {@link localDateTime}. */
  readonly capturedAt: string;
  readonly actDate: string;
  readonly signer: CpsSigner;
  readonly situation: CpsSituation;
  readonly replacedDoctors?: ReplacedDoctors;
  readonly patient: VisitPatient;
  /** The coverage at the act date (billing `coverageAt`), as priced. */
  readonly coverage: FseCoverage;
  readonly priced: PricedVisit;
  readonly pdsaUrgent: boolean;
  readonly device: DeviceInfo;
}

/** Why an FSE cannot be built: its format's reasons, or the situation's. */
export type FseBuildReason = FseReason | 'no-fse-right' | 'unknown-replaced' | 'no-beneficiary';

/** The coverage of a degraded FSE (OURS: unknown, shown as no rights read). */
export const UNKNOWN_COVERAGE: FseCoverage = { ald: false, c2s: false, maternity: false, rightsValid: false };

/**
 * The securing mode a patient allows: S for a Vitale 2 (it holds a key), F
 * for a Vitale 1, D for a keyed identity.
 * @example securingModeOf({ kind: 'keyed', nir, birthDate, birthRank: 1 }) // 'D'
 */
export function securingModeOf(patient: VisitPatient): SecuringMode {
  if (patient.kind === 'keyed') return 'D';
  return patient.card.generation === 2 && patient.card.certificate !== undefined ? 'S' : 'F';
}

/**
 * The FSE of a visit, checked by protocol's `fse()`; its securing mode is
 * {@link securingModeOf} the patient.
 * @example buildFse(draft) // ok({ invoiceNumber: 1, securing: 'S', ... })
 */
export function buildFse(draft: FseDraft): ParseResult<Fse, FseBuildReason> {
  const { situation, patient, priced, device } = draft;
  if (!situation.rights.signFse) return fail('no-fse-right', `situation ${situation.index} may not sign FSEs`, 0, 'professional');
  let replaced: FseReplacedDoctor | undefined;
  if (situation.replaces !== undefined) {
    replaced = draft.replacedDoctors?.(situation.replaces);
    if (replaced === undefined) return fail('unknown-replaced', `the replaced doctor ${situation.replaces.doctorId} is not registered`, 0, 'professional/replaced');
  }
  let beneficiary: Fse['beneficiary'];
  let insured: Fse['insured'];
  if (patient.kind === 'vitale') {
    const b = patient.card.beneficiaries[patient.beneficiary];
    if (b === undefined) return fail('no-beneficiary', `beneficiary ${patient.beneficiary} is not on the card`, 0, 'beneficiary');
    beneficiary = {
      lastName: b.lastName,
      ...(b.usualName === undefined ? {} : { usualName: b.usualName }),
      firstName: b.firstName,
      birthDate: b.birthDate,
      nir: b.nir,
      birthRank: b.birthRank,
      quality: b.quality,
    };
    const { nir, regime, caisse, centre } = patient.card.insured;
    insured = { nir, regime, caisse, centre };
  } else {
    beneficiary = { lastName: 'INCONNU', firstName: 'INCONNU', birthDate: patient.birthDate, nir: patient.nir, birthRank: patient.birthRank, quality: '00' };
    insured = { nir: patient.nir, ...device.localFund };
  }
  return fse({
    invoiceNumber: draft.invoiceNumber,
    capturedAt: draft.capturedAt,
    actDate: draft.actDate,
    professional: {
      id: draft.signer.rpps,
      name: draft.signer.name,
      billingNumber: situation.billingNumber,
      specialty: situation.specialty,
      sector: situation.conventionSector,
      feeZone: situation.feeZone,
      situationIndex: situation.index,
      ...(replaced === undefined ? {} : { replaced }),
    },
    beneficiary,
    insured,
    coverage: draft.coverage,
    acts: priced.acts,
    pdsaUrgent: draft.pdsaUrgent,
    totals: priced.totals,
    thirdParty: priced.thirdParty,
    securing: securingModeOf(patient),
    deviceAgreement: device.agreement,
    portable: true,
  });
}

/**
 * The destination organisation of an FSE (OURS; the real routing tables are
 * not public): the insured's caisse for the régime général (01), otherwise
 * `0` + the régime (MSA 02 → `002`), so that no other régime's FSE lands in
 * a CPAM's lot (no CPAM number starts with 00).
 * @example destinationOf(fse) // '751'
 */
export function destinationOf(value: Fse): string {
  return value.insured.regime === '01' ? value.insured.caisse : `0${value.insured.regime}`;
}
