/**
 * The CCID driver over the software reader and the usb mimic: SELECT MF
 * (P2 0C) + READ BINARY SFI 2 on the emulated carte Vitale, at short APDU
 * level and at TPDU level with T=1 (both T=1 machines in the loop).
 * p50/p99 come from bench/run.ts (latency / opsPerCall).
 */
import type { BenchCase } from '../../bench/run.js';
import { hex } from '../../protocol/index.js';
import type { ReaderPort } from '../core/transport.js';
import { twoSlotReader, type Bench } from './mimic/test-support.js';

const SELECT = hex('00 A4 00 0C 02 3F 00');
const READ = hex('00 B0 82 00 00');

function level(name: string, options: Parameters<typeof twoSlotReader>[0]): BenchCase {
  let bench: Bench | undefined;
  let port: ReaderPort | undefined;
  return {
    name: `Vitale SELECT + READ BINARY via the CCID driver, software reader over the usb mimic, ${name}`,
    unit: 'ops/s',
    opsPerCall: 2,
    setup: async () => {
      bench = await twoSlotReader(options);
      port = await bench.transport.open((await bench.transport.list())[1]!.name, { share: 'exclusive', protocols: ['T=0', 'T=1'] });
    },
    teardown: async () => {
      await bench?.dispose();
    },
    fn: async () => {
      if (port === undefined) throw new Error('setup did not run');
      await port.transmit(SELECT);
      if ((await port.transmit(READ)).length !== 258) throw new Error('READ BINARY SFI 2 failed');
    },
  };
}

export const benches: BenchCase[] = [level('short APDU level', { level: 'short-apdu' }), level('TPDU level T=1', { level: 'tpdu', t1: true })];
