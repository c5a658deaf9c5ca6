/**
 * One round on a terminal: it boots on the day's clock, the doctor's CPS
 * goes in (optionally a wrong PIN first), the situation is chosen, the
 * planned visits are captured by the robot, and back at the practice the
 * lots are built and signed and the link served while the PC does its work
 * (`atPractice`); then the terminal stops. The robot reads every amount and
 * invoice number from the display.
 *
 * OURS: 20 minutes back to the practice, the RTC set 5-90 s slow before the
 * round (the host sets it), the store opened fresh in `storePath`.
 * @module
 */
import type { SimulatedClock } from 'xstate';
import { createMemoryLinkPair, expectStore, openLink, openTerminalStore, type Link } from '../../drivers/index.js';
import type { Doctor } from '../../emulator/index.js';
import { localDateTime, openTerminalClock, type DeviceIdentity, type Fund, type TariffBook } from '../../terminal/index.js';
import type { VisitRecord } from './report.js';
import { DoctorRobot, UnexpectedScreen } from './robot.js';
import type { PlannedVisit } from './scenario.js';
import { openDayTerminal, type DayTerminal } from './terminal-rig.js';

/** Minutes back to the practice after the last visit (OURS). */
const DRIVE_BACK_MINUTES = 20;
const MINUTE = 60_000;

/** What a round is run with. */
export interface TerminalRoundOptions<T> {
  readonly clock: SimulatedClock;
  readonly storePath: string;
  readonly identity: DeviceIdentity;
  readonly tariffs: TariffBook;
  readonly localFund: Fund;
  readonly cardDir: string;
  readonly seed: number;
  readonly doctor: Doctor;
  readonly billingNumber: string;
  readonly visits: readonly PlannedVisit[];
  /** A wrong PIN first (the morning's typo). */
  readonly wrongPinFirst: boolean;
  /** How slow the terminal's RTC runs before the host sets it, ms. */
  readonly rtcSlowMs: number;
  readonly utcOffsetMinutes: number;
  /** A line of the day, stamped with the terminal's local `HH:MM`. */
  readonly progress: (time: string, text: string) => void;
  /** The PC's work while the terminal serves the link. */
  readonly atPractice: (link: Link) => Promise<T>;
}

/** What the round did. */
export interface TerminalRound<T> {
  readonly visits: VisitRecord[];
  readonly pin: { readonly wrong: number; readonly entries: number };
  readonly battery: { readonly startPerMille: number; readonly endPerMille: number };
  readonly keys: number;
  /** What `atPractice` returned. */
  readonly practice: T;
}

/** Run a round (see the module). Rejects with {@link UnexpectedScreen} when the terminal shows what a doctor would not expect. */
export async function runTerminalRound<T>(options: TerminalRoundOptions<T>): Promise<TerminalRound<T>> {
  const { clock, doctor, billingNumber } = options;
  const store = expectStore(await openTerminalStore(options.storePath, { capacity: 1000, clock }));
  // The RTC runs slow since the last sync; the firmware reads this offset at boot.
  await (await openTerminalClock(clock, store)).set(clock.now() - options.rtcSlowMs, options.utcOffsetMinutes);
  const [hostPort, terminalPort] = createMemoryLinkPair({ maxWrite: 64 });
  const terminal = openDayTerminal({
    clock,
    store,
    tariffs: options.tariffs,
    identity: options.identity,
    localFund: options.localFund,
    cardDir: options.cardDir,
    seed: options.seed,
    hostLink: terminalPort,
  });
  const robot = new DoctorRobot(terminal.face);
  const localTime = (): string => {
    const terminalClock = terminal.firmware.clock();
    return localDateTime(terminalClock.now(), terminalClock.utcOffsetMinutes(terminalClock.now())).slice(11, 16);
  };
  const say = (text: string): void => options.progress(localTime(), text);
  const pin = { wrong: 0, entries: 0 };
  try {
    await robot.face.elapse(1000);
    const startBattery = terminal.firmware.state().battery;
    robot.expectLine('Inserer carte CPS');
    say(`Terminal ${options.identity.serial} allume, CPS de ${doctor.firstName} ${doctor.lastName} inseree`);
    await terminal.insertCps(doctor.id);
    await robot.face.elapse(1000);
    await robot.enterPin(doctor.pin, options.wrongPinFirst);
    pin.wrong += options.wrongPinFirst ? 1 : 0;
    pin.entries += options.wrongPinFirst ? 2 : 1;
    await robot.chooseSituation(billingNumber);
    robot.expect('"CPS prete"', (lines) => lines[0] === 'CPS prete');
    say(`${options.wrongPinFirst ? 'Code faux puis bon' : 'Code porteur bon'}, situation ${billingNumber}`);

    const visits: VisitRecord[] = [];
    for (const [index, visit] of options.visits.entries()) {
      await robot.face.elapse((visit.driveMinutes + visit.visitMinutes) * MINUTE);
      const pinAgain = await robot.wakeAndAuthenticate(doctor.pin, billingNumber);
      if (pinAgain) pin.entries += 1;
      const record = await captureVisit(robot, terminal, visit, pinAgain, localTime);
      visits.push(record);
      const acts = [...record.acts, ...(record.oneWayKm === null ? [] : [`IK ${record.oneWayKm} km`]), ...(record.pdsaUrgent ? ['PDSA'] : [])].join('+');
      options.progress(
        record.time,
        `Visite ${index + 1}/${options.visits.length} ${visit.patientId.padEnd(26)} ${record.securing}  FSE ${String(record.invoiceNumber).padStart(3)}  ${acts.padEnd(22)} ${(record.totalCents / 100).toFixed(2).padStart(7)} EUR  ${record.thirdParty}`,
      );
    }

    await robot.face.elapse(DRIVE_BACK_MINUTES * MINUTE);
    if (await robot.wakeAndAuthenticate(doctor.pin, billingNumber)) pin.entries += 1;
    say('Retour au cabinet : lots signes CPS et transfert au poste');
    await robot.openMenu('Transfert poste');
    await robot.face.elapse(1000);
    const lotsOutput = terminal.firmware.state().lastLots;
    if (terminal.firmware.state().firmware !== 'running.serving' || lotsOutput?.result !== 'done') {
      throw new UnexpectedScreen(`the lots built and the link served (lots: ${lotsOutput?.result ?? 'none'})`, terminal.face.display());
    }
    const link = openLink(hostPort, { requestTimeoutMs: 10_000 });
    let practice: T;
    try {
      practice = await options.atPractice(link);
    } finally {
      await link.close();
    }
    await robot.press({ type: 'key.cancel' });
    robot.expect('the menu or "CPS prete" after the transfer', (lines) => lines[0] === 'Menu' || lines[0] === 'CPS prete');
    return { visits, pin, battery: { startPerMille: startBattery, endPerMille: terminal.firmware.state().battery }, keys: robot.keys, practice };
  } finally {
    await terminal.stop();
    await store.close();
  }
}

/** One visit: the Vitale in (or the patient keyed in), the beneficiary, the acts, confirm; the Vitale out. */
async function captureVisit(robot: DoctorRobot, terminal: DayTerminal, visit: PlannedVisit, pinAgain: boolean, localTime: () => string): Promise<VisitRecord> {
  let beneficiary = '';
  if (visit.keyed === undefined) {
    await terminal.insertVitale(visit.patientId);
    await robot.face.elapse(2000);
    await robot.openMenu('Nouvelle visite');
    beneficiary = await robot.chooseBeneficiary(visit.beneficiary);
  } else {
    await robot.openMenu('Nouvelle visite');
    await robot.keyPatient(visit.keyed);
  }
  await robot.chooseActs(visit);
  const time = localTime();
  const read = await robot.confirm();
  if (visit.keyed === undefined) {
    await terminal.removeVitale();
    await robot.face.elapse(3000);
  }
  robot.expect('the menu or "CPS prete" after the visit', (lines) => lines[0] === 'Menu' || lines[0] === 'CPS prete');
  const securing = read.securing === 'Securisee Vitale' ? 'S' : read.securing === 'Sans Vitale' ? 'F' : 'D';
  return {
    time,
    patientId: visit.patientId,
    kind: visit.kind,
    beneficiary,
    invoiceNumber: read.invoiceNumber,
    securing,
    acts: visit.acts,
    oneWayKm: visit.oneWayKm ?? null,
    pdsaUrgent: visit.pdsaUrgent,
    totalCents: read.totalCents,
    dueNowCents: read.dueNowCents,
    thirdParty: read.mode,
    pinAgain,
  };
}
