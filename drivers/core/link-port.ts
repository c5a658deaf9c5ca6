/**
 * The contract of a terminal-host link transport: serial (USB CDC),
 * HID reports, or an in-memory pair. It moves bytes, nothing more; the
 * link protocol of `protocol/` (frames, CRC, acknowledgement,
 * retransmission) runs on top of any of them.
 * @module
 */

/** What a link port reports. */
export type LinkPortEvent =
  | { readonly type: 'data'; readonly bytes: Uint8Array }
  /** The other end or the device went away; no more data will come. */
  | { readonly type: 'closed'; readonly error?: Error | undefined };

/**
 * One end of a link.
 *
 * `maxWrite` is the most bytes one `write` may carry: a byte stream
 * (serial, in-memory) has none (`Infinity`); HID carries one report
 * (64 bytes) a write. A stream may deliver any split of what was written;
 * a report port delivers whole reports (padded to the report size).
 * Errors: rejections are `DriverError`s. `close()` is idempotent.
 */
export interface LinkPort {
  readonly kind: string;
  readonly maxWrite: number;
  write(bytes: Uint8Array): Promise<void>;
  /** Listen; returns the function that stops listening. */
  onEvent(listener: (event: LinkPortEvent) => void): () => void;
  close(): Promise<void>;
}
