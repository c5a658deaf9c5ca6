/**
 * The doctor robot of the home-visit day: it presses the terminal's keys the
 * way a doctor would and decides by reading the 4 × 20 display (which
 * situation line, which act line is selected, which beneficiary is shown).
 * Every step asserts the screen it expects, so a broken firmware stops the
 * day loudly with the screen it showed ({@link UnexpectedScreen}).
 *
 * OURS: the key timing (400 ms a key), the bounded walks through menus.
 * @module
 */
import { digitKey, type DisplayLines, type KeyEvent } from '../../terminal/index.js';
import type { KeyedIdentity, PlannedVisit } from './scenario.js';

/** What the robot sees and touches of a terminal. */
export interface TerminalFace {
  send(key: KeyEvent): void;
  /** The display now. */
  display(): DisplayLines;
  /** Let card and store work finish (promise turns, never a timed wait). */
  settle(): Promise<void>;
  /** Let simulated time pass, then settle. */
  elapse(ms: number): Promise<void>;
}

/** The terminal did not show what the robot expected. */
export class UnexpectedScreen extends Error {
  override readonly name = 'UnexpectedScreen';
  constructor(
    readonly expected: string,
    readonly screen: DisplayLines,
  ) {
    super(`expected ${expected}, the display shows:\n${screen.map((line) => `|${line}|`).join('\n')}`);
  }
}

/** What the robot read on the screens of one visit. */
export interface VisitReading {
  /** The beneficiary line as shown (empty in degraded mode). */
  readonly beneficiary: string;
  readonly totalCents: number;
  readonly dueNowCents: number;
  /** The review's third line: third-party mode, "Droits expires" or "Mode degrade". */
  readonly mode: string;
  readonly invoiceNumber: number;
  /** The stored screen's third line: "Securisee Vitale", "Sans Vitale" or "Mode degrade". */
  readonly securing: string;
}

/** Simulated time a key press takes (OURS). */
export const KEY_MS = 400;
/** Most keys a walk through a menu may take before the robot gives up. */
const MAX_WALK = 40;

const key = (type: Exclude<KeyEvent['type'], 'key.digit'>): KeyEvent => ({ type }) as KeyEvent;
const trimmed = (lines: DisplayLines): string[] => lines.map((line) => line.trim());

/** `46,10 EUR` in a line → 4610. */
function centsIn(line: string): number {
  const match = /(\d+),(\d{2}) EUR/.exec(line);
  if (match === null) throw new TypeError(`no amount in "${line}"`);
  return Number(match[1]) * 100 + Number(match[2]);
}

/** A robot doctor at a terminal. */
export class DoctorRobot {
  /** Keys pressed so far. */
  keys = 0;

  constructor(readonly face: TerminalFace) {}

  /** The display's lines, trimmed. */
  lines(): string[] {
    return trimmed(this.face.display());
  }

  /** Throw {@link UnexpectedScreen} unless the display satisfies `test`. */
  expect(expected: string, test: (lines: readonly string[]) => boolean): void {
    if (!test(this.lines())) throw new UnexpectedScreen(expected, this.face.display());
  }

  /** Expect a line that starts with `start`. */
  expectLine(start: string): void {
    this.expect(`a line "${start}…"`, (lines) => lines.some((line) => line.startsWith(start)));
  }

  async press(event: KeyEvent, times = 1): Promise<void> {
    for (let i = 0; i < times; i++) {
      this.face.send(event);
      this.keys += 1;
      await this.face.elapse(KEY_MS);
    }
  }

  async validate(): Promise<void> {
    await this.press(key('key.validate'));
  }

  /** Type digits (a PIN, a NIR, a distance). */
  async type(digits: string): Promise<void> {
    for (const d of digits) await this.press(digitKey(Number(d)));
  }

  /**
   * Enter the CPS PIN at the "Code porteur" screen; with `wrongFirst`, a
   * wrong one first, expecting "Code faux - N essais". The PIN travels only
   * in key events (never in a log or the report).
   */
  async enterPin(pin: string, wrongFirst = false): Promise<void> {
    this.expectLine('Code porteur');
    if (wrongFirst) {
      const wrong = pin.slice(0, -1) + String((Number(pin.at(-1)) + 1) % 10);
      await this.type(wrong);
      this.expect(`${wrong.length} masked digits`, (lines) => lines[1] === '*'.repeat(wrong.length));
      await this.validate();
      this.expectLine('Code faux - ');
    }
    await this.type(pin);
    this.expect(`${pin.length} masked digits`, (lines) => lines[1] === '*'.repeat(pin.length));
    await this.validate();
  }

  /** At "Situation k/n", walk down to the one with `billingNumber` and choose it; nothing to do when the CPS has one. */
  async chooseSituation(billingNumber: string): Promise<void> {
    for (let step = 0; step < MAX_WALK && this.lines()[0]!.startsWith('Situation'); step++) {
      if (this.lines()[2] === `No ${billingNumber}`) return this.validate();
      await this.press(key('key.down'));
    }
    this.expect(`the CPS ready on situation ${billingNumber}`, (lines) => lines[0] === 'CPS prete');
  }

  /** Wake the terminal if it sleeps; when the CPS session lapsed meanwhile, authenticate again. Returns true when the PIN was asked. */
  async wakeAndAuthenticate(pin: string, billingNumber: string): Promise<boolean> {
    if (this.lines().every((line) => line === '')) await this.validate(); // asleep: a key wakes it and is consumed
    if (this.lines()[0] !== 'Session CPS expiree') return false;
    await this.validate();
    await this.enterPin(pin);
    await this.chooseSituation(billingNumber);
    this.expect('"CPS prete"', (lines) => lines[0] === 'CPS prete');
    return true;
  }

  /** From the idle screen or the main menu, open a main-menu entry by reading the selected line. */
  async openMenu(entry: string): Promise<void> {
    this.expect('"CPS prete" (Valider: menu) or the menu', (lines) => lines[0] === 'CPS prete' || lines[0] === 'Menu');
    if (this.lines()[0] === 'CPS prete') await this.validate();
    for (let step = 0; step < MAX_WALK; step++) {
      if (this.lines().includes(`>${entry}`)) return this.validate();
      await this.press(key('key.down'));
    }
    throw new UnexpectedScreen(`the menu entry "${entry}"`, this.face.display());
  }

  /** Key the patient in (degraded mode) from "Inserer carte Vitale / Valider: sans carte". */
  async keyPatient(identity: KeyedIdentity): Promise<void> {
    this.expectLine('Valider: sans carte');
    await this.validate();
    for (const [field, digits] of [['NIR', identity.nir], ['Ne(e) le', identity.birthDate], ['Rang', String(identity.birthRank)]] as const) {
      this.expectLine(field);
      await this.type(digits);
      await this.validate();
    }
  }

  /** At "Beneficiaire k/n", move to beneficiary `index` and choose it; returns its name line. */
  async chooseBeneficiary(index: number): Promise<string> {
    this.expectLine('Beneficiaire ');
    for (let step = 0; step < MAX_WALK; step++) {
      const position = /Beneficiaire (\d+)\//.exec(this.lines()[0]!);
      if (position === null) break;
      if (Number(position[1]) === index + 1) {
        const name = this.lines()[1]!;
        await this.validate();
        return name;
      }
      await this.press(key(Number(position[1]) < index + 1 ? 'key.down' : 'key.up'));
    }
    throw new UnexpectedScreen(`beneficiary ${index + 1}`, this.face.display());
  }

  /** Walk the "Actes" menu once from the top: tick the acts, key the distance, set PDSA, then "Suite". */
  async chooseActs(visit: Pick<PlannedVisit, 'acts' | 'oneWayKm' | 'pdsaUrgent'>): Promise<void> {
    this.expect('the "Actes" menu', (lines) => lines[0] === 'Actes');
    for (let step = 0; step < MAX_WALK; step++) {
      const selected = this.lines().find((line) => line.startsWith('>'))?.slice(1) ?? '';
      const act = /^\[( |x)\] (\S+)/.exec(selected);
      if (act !== null && act[1] === ' ' && visit.acts.includes(act[2]!)) {
        await this.validate();
        continue;
      }
      if (selected === 'IK: non' && visit.oneWayKm !== undefined) {
        await this.validate();
        this.expectLine('Distance aller');
        await this.type(String(visit.oneWayKm));
        await this.validate();
        continue;
      }
      if (selected === 'Urgence PDSA: non' && visit.pdsaUrgent) {
        await this.validate();
        continue;
      }
      if (selected === 'Suite') return this.validate();
      await this.press(key('key.down'));
    }
    throw new UnexpectedScreen('"Suite" in the act menu', this.face.display());
  }

  /** Read the review, confirm, and read the stored screen; dismiss it. */
  async confirm(): Promise<Omit<VisitReading, 'beneficiary'>> {
    this.expectLine('Total ');
    const [total, due, mode] = this.lines();
    await this.validate();
    this.expect('"FSE enregistree"', (lines) => lines[0] === 'FSE enregistree');
    const [, number, securing] = this.lines();
    const invoice = /^No (\d+)$/.exec(number ?? '');
    if (invoice === null) throw new UnexpectedScreen('"No <invoice number>"', this.face.display());
    await this.validate();
    return { totalCents: centsIn(total!), dueNowCents: centsIn(due!), mode: mode!, invoiceNumber: Number(invoice[1]), securing: securing! };
  }
}
