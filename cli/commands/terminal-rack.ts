/**
 * The emulated cards `bifente terminal`'s hotkeys move in and out of the
 * terminal's two in-process readers. OURS: one CPS persona, the Vitale
 * personas taken in visit order (round robin).
 * @module
 */
import type { InProcessTransport } from '../../drivers/index.js';
import { fromCard, openCps, openVitale } from '../../emulator/index.js';

/** The names of the terminal's two readers. */
export const READERS = { cps: 'bifente CPS 00', vitale: 'bifente Vitale 01' } as const;

/**
 * The persona cards of one run. Moves are serialised: a hotkey pressed while
 * the previous card is still being opened waits for it, so a double press
 * inserts then removes instead of inserting twice.
 */
export class CardRack {
  #patient = 0;
  #cps = false;
  #vitale: string | undefined;
  #moving: Promise<unknown> = Promise.resolve();

  constructor(
    readonly transport: InProcessTransport,
    readonly doctor: string,
    readonly patients: readonly string[],
    readonly cardDir: string,
    readonly seed: number,
  ) {
    if (patients.length === 0) throw new RangeError('a card rack needs at least one patient');
  }

  /** Insert the doctor's CPS, or remove it; resolves with the notice to show (French). */
  toggleCps(): Promise<string> {
    return this.#move(async () => {
      if (this.#cps) {
        await this.transport.remove(READERS.cps);
        this.#cps = false;
        return `CPS ${this.doctor} retiree`;
      }
      await this.transport.insert(READERS.cps, fromCard(await openCps(this.doctor, { stateDir: this.cardDir, seed: this.seed })));
      this.#cps = true;
      return `CPS ${this.doctor} inseree`;
    });
  }

  /** Insert the next patient's carte Vitale, or remove the one inserted; resolves with the notice to show (French). */
  toggleVitale(): Promise<string> {
    return this.#move(async () => {
      if (this.#vitale !== undefined) {
        await this.transport.remove(READERS.vitale);
        const was = this.#vitale;
        this.#vitale = undefined;
        return `Vitale ${was} retiree`;
      }
      const patient = this.patients[this.#patient % this.patients.length]!;
      this.#patient += 1;
      await this.transport.insert(READERS.vitale, fromCard(await openVitale(patient, { stateDir: this.cardDir, seed: this.seed })));
      this.#vitale = patient;
      return `Vitale ${patient} inseree`;
    });
  }

  #move(work: () => Promise<string>): Promise<string> {
    const moved = this.#moving.then(work);
    // The caller gets the failure through `moved`; the chain only waits for it to settle.
    this.#moving = moved.catch(() => undefined);
    return moved;
  }
}
