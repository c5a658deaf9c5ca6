/**
 * A byte pipe that delivers at a serial line's rate: what a UART at
 * 115200 baud, 8N1 (10 bits a byte on the wire: start, 8 data, stop) can
 * carry is 11,520 bytes a second per direction. A pseudo-terminal ignores
 * the baud rate, so the throughput bench puts this pacer between two ptys.
 * @module
 */

/** Bytes a second a UART carries at `baudRate` with 8N1 framing (10 bits a byte). */
export function lineBytesPerSecond(baudRate: number): number {
  return baudRate / 10;
}

/**
 * Delivers pushed bytes to `sink` no faster than `bytesPerSecond`, like a
 * UART: a byte is handed over once its transmission time has passed; an
 * idle line earns no credit. A late timer delivers everything that is due,
 * so timer jitter does not lower the rate.
 */
export class PacedLine {
  readonly #queue: Uint8Array[] = [];
  #queued = 0;
  /** When (ms, `now()` clock) the bytes already sent finish on the wire. */
  #lineFreeAt = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: (bytes: Uint8Array) => void,
    private readonly bytesPerSecond: number,
    private readonly now: () => number = () => performance.now(),
    /** Called when the queue falls under {@link PacedLine.LOW_WATER} bytes: the source may resume. */
    private readonly onLow: () => void = () => undefined,
  ) {
    if (!(bytesPerSecond > 0)) throw new RangeError(`bytesPerSecond must be positive, got ${bytesPerSecond}`);
  }

  /** Queue size under which `onLow` is called; a source should pause above {@link PacedLine.HIGH_WATER}. */
  static readonly LOW_WATER = 4096;
  static readonly HIGH_WATER = 16_384;

  /** Bytes waiting for the line. */
  get queued(): number {
    return this.#queued;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.#queued === 0) this.#lineFreeAt = Math.max(this.#lineFreeAt, this.now());
    this.#queue.push(bytes);
    this.#queued += bytes.length;
    this.#schedule();
  }

  /** Drop what is queued and stop the timer. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
    this.#queued = 0;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#queued === 0) return;
    // Wake when at least one byte (and up to a small burst) is due.
    const msPerByte = 1000 / this.bytesPerSecond;
    const wait = Math.max(1, this.#lineFreeAt + msPerByte * Math.min(16, this.#queued) - this.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, wait);
  }

  #pump(): void {
    const due = Math.floor(((this.now() - this.#lineFreeAt) * this.bytesPerSecond) / 1000);
    let count = Math.min(due, this.#queued);
    if (count > 0) {
      this.#lineFreeAt += (count * 1000) / this.bytesPerSecond;
      this.#queued -= count;
      const out = new Uint8Array(count);
      let at = 0;
      while (count > 0) {
        const head = this.#queue[0];
        if (head === undefined) break;
        const take = Math.min(head.length, count);
        out.set(head.subarray(0, take), at);
        at += take;
        count -= take;
        if (take === head.length) this.#queue.shift();
        else this.#queue[0] = head.subarray(take);
      }
      this.sink(out);
      if (this.#queued < PacedLine.LOW_WATER) this.onLow();
    }
    this.#schedule();
  }
}
