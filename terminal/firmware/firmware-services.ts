/**
 * The firmware's I/O, as the actors `createFirmware` provides to
 * {@link firmwareMachine}: preparing a visit (invoice number, act date,
 * CPS signer, tariffs, store-full refusal), preparing a lot run, counting
 * what the store holds, and serving the host over the link while the
 * transfer screen shows (from the store, or from its quarantine).
 * @module
 */
import { fromCallback, fromPromise } from 'xstate';
import type { CardSession, Link, QuarantineArchive, TerminalStore } from '../../drivers/index.js';
import type { LotsInput } from '../lots/index.js';
import { serveHostLink, serveQuarantinedHostLink, type HostLinkServer, type QuarantineRelease, type SettableClock, type TariffsInForce } from '../host/index.js';
import { localDate, readCpsSigner, type CpsSigner, type Fund, type ReplacedDoctors } from '../securing/index.js';
import type { CapturePreparation, LotsPreparation, PreparedCapture, StoreCount } from './firmware.machine.js';
import { nextInvoiceNumber } from './invoice-counter.js';

/** What the services read and keep: the store, the terminal clock and tariffs (set at boot), the device. */
export interface FirmwareWorld {
  /** The store now (undefined in quarantine; a fresh one once the host released it). */
  readonly store: TerminalStore | undefined;
  /** The terminal clock (host offset applied): in memory while in quarantine. */
  clock(): SettableClock;
  tariffs(): TariffsInForce;
  readonly agreementNumber: string;
  readonly localFund: Fund | undefined;
  readonly replacedDoctors: ReplacedDoctors | undefined;
}

/** Count the FSEs and lots the store holds (undefined without a store). */
export async function countHeld(store: TerminalStore | undefined): Promise<StoreCount | undefined> {
  if (store === undefined) return undefined;
  return { fses: (await store.usage()).count, lots: (await store.listLots()).length };
}

/** The CPS signer of each card session, read once (7001 and C001: two file reads). */
const signers = new WeakMap<CardSession, Promise<CpsSigner>>();
function signerOf(session: CardSession): Promise<CpsSigner> {
  let signer = signers.get(session);
  if (signer === undefined) {
    signer = readCpsSigner(session);
    signers.set(session, signer);
    signer.catch(() => signers.delete(session));
  }
  return signer;
}

/**
 * Prepare a visit: a full store refuses it (`store-full`, no number spent);
 * otherwise the next invoice number is taken and persisted first; the act
 * date is the terminal clock's local date.
 */
export function prepareCaptureService(world: FirmwareWorld) {
  return fromPromise<PreparedCapture, CapturePreparation>(async ({ input }) => {
    const { store, localFund } = world;
    if (store === undefined) throw new Error('no store: captures are refused');
    if (localFund === undefined) throw new Error('no local fund configured: degraded FSEs could not be addressed (createFirmware option localFund)');
    const clock = world.clock();
    const usage = await store.usage();
    const full = usage.count >= usage.capacity;
    const signer = await signerOf(input.cps);
    const now = clock.now();
    return {
      actDate: localDate(now, clock.utcOffsetMinutes(now)),
      invoiceNumber: full ? 0 : await nextInvoiceNumber(store),
      tariffs: world.tariffs().book,
      clock,
      cps: { channel: input.cps, signer, situation: input.situation },
      device: { agreement: world.agreementNumber, localFund },
      ...(world.replacedDoctors === undefined ? {} : { replacedDoctors: world.replacedDoctors }),
      store,
      ...(full ? { refusal: 'store-full' as const } : {}),
    };
  });
}

/** Prepare a lot run on the CPS session: the store, the terminal clock, the portable device's agreement number. */
export function prepareLotsService(world: FirmwareWorld) {
  return fromPromise<LotsInput, LotsPreparation>(async ({ input }) => {
    if (world.store === undefined) throw new Error('no store: no lots');
    return { store: world.store, channel: input.channel, clock: world.clock(), device: { agreementNumber: world.agreementNumber, portable: true }, situation: input.situation };
  });
}

/** Count what the store holds. */
export function countStoreService(world: FirmwareWorld) {
  return fromPromise<StoreCount | undefined, void>(() => countHeld(world.store));
}

/** The host link as the firmware serves it: one link for the firmware's life, answering only while the transfer screen shows. */
export interface HostService {
  /** The running server over the store (after boot, with a store). */
  readonly server: HostLinkServer | undefined;
  /**
   * Serve the host from what the terminal has now: the store once it
   * booted, else the quarantine (when given). Called again after a
   * quarantine's release reopened the store, it switches servers.
   */
  start(): void;
  /** The actor the firmware runs while the transfer screen shows. */
  readonly serving: ReturnType<typeof fromCallback<{ readonly type: 'host.served'; readonly held: StoreCount | undefined }>>;
}

/** The store in quarantine, as the host service serves it. */
export interface QuarantineService {
  readonly archive: QuarantineArchive;
  /** Runs after each release, before the host hears the answer (the firmware reopens its store when none is pending). */
  onReleased(release: QuarantineRelease): Promise<void>;
}

/**
 * Serve the host on `link` from the store (host/ `serveHostLink`) or, while
 * the store is in quarantine, from the quarantine (host/
 * `serveQuarantinedHostLink`). Outside the transfer screen every request but
 * identify is answered `busy` (OURS: the doctor starts the transfer on the
 * keypad, in quarantine too); after each answered request the firmware
 * hears `host.served` with what the store now holds.
 */
export function hostService(link: Link, world: FirmwareWorld, device: { model: string; serial: string; firmware: string; agreementNumber: string }, quarantine?: QuarantineService): HostService {
  let serving = false;
  let served: ((held: StoreCount | undefined) => void) | undefined;
  let server: HostLinkServer | undefined;
  let stopQuarantined: (() => void) | undefined;
  const observed: Link = {
    get state() {
      return link.state;
    },
    get stats() {
      return link.stats;
    },
    request: (request, options) => link.request(request, options),
    close: () => link.close(),
    onMessage: (handler) =>
      link.onMessage(async (request) => {
        const answer = await handler(request);
        if (serving) void countHeld(world.store).then((held) => served?.(held), () => undefined);
        return answer;
      }),
  };
  const busy = (): boolean => !serving;
  return {
    get server() {
      return server;
    },
    start() {
      if (server !== undefined) return;
      if (world.store !== undefined) {
        stopQuarantined?.();
        stopQuarantined = undefined;
        server = serveHostLink(observed, { store: world.store, device, clock: world.clock(), tariffs: world.tariffs(), busy });
      } else if (quarantine !== undefined && stopQuarantined === undefined) {
        stopQuarantined = serveQuarantinedHostLink(observed, { ...quarantine, device, clock: world.clock(), busy }).stop;
      }
    },
    serving: fromCallback<{ readonly type: 'host.served'; readonly held: StoreCount | undefined }>(({ sendBack }) => {
      serving = true;
      served = (held) => sendBack({ type: 'host.served', held });
      return () => {
        serving = false;
        served = undefined;
      };
    }),
  };
}
