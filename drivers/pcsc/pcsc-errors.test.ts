import test from 'ava';
import { DriverError, type DriverErrorCode } from '../core/errors.js';
import { pcscError, pcscReturnCode } from './pcsc-errors.js';

// [pcsclite error text, call site, DriverError code]; texts as pcsclite 1.0.1 words them (src/common.h error_msg).
const TABLE: readonly [string, 'context' | 'port', DriverErrorCode][] = [
  ['SCardTransmit error: Card was removed.(0x80100069)', 'port', 'card-removed'],
  ['SCardConnect error: Sharing violation.(0x8010000b)', 'context', 'sharing-violation'],
  ['SCardEstablishContext error: Service not available.(0x8010001d)', 'context', 'no-service'],
  ['SCardTransmit error: Service not available.(0x8010001d)', 'port', 'reader-gone'],
  ['SCardGetStatusChange error: RPC transport error.(0x80100013)', 'context', 'no-service'],
  ['SCardConnect error: Unknown reader specified.(0x80100009)', 'context', 'reader-gone'],
  ['SCardGetStatusChange error: Command timeout.(0x8010000a)', 'context', 'timeout'],
  ['SCardTransmit error: Reader is unavailable.(0x80100017)', 'port', 'reader-gone'],
  ['SCardConnect error: No smart card inserted.(0x8010000c)', 'context', 'no-card'],
  ['SCardConnect error: Card is not responding.(0x80100066)', 'context', 'card-unresponsive'],
  ['SCardConnect error: Card protocol mismatch.(0x8010000f)', 'context', 'not-supported'],
  ['SCardGetStatusChange error: Command cancelled.(0x80100002)', 'context', 'canceled'],
  ['SCardTransmit error: Card was reset.(0x80100068)', 'port', 'transport-error'],
  ['SCardTransmit error: Unexpected PC/SC error.(0x801000ff)', 'port', 'transport-error'],
  ['Card Reader not connected', 'port', 'transport-error'],
];

for (const [text, site, code] of TABLE) {
  test(`${text} at the ${site} → ${code}`, (t) => {
    const error = pcscError(new Error(text), 'doing it', site);
    t.true(error instanceof DriverError);
    t.is(error.code, code);
    t.is((error.cause as Error).message, text);
    t.true(error.message.startsWith('doing it failed: '));
  });
}

test('no-service says how to start pcscd; a code it knows is named in hex', (t) => {
  const error = pcscError(new Error('SCardEstablishContext error: Service not available.(0x8010001d)'), 'connecting to pcscd', 'context');
  t.is(error.message, 'connecting to pcscd failed: pcscd is not running: start it with scripts/pcscd/pcscd.sh start (or systemctl start pcscd.socket) (PC/SC 0x8010001D)');
  t.true(error.disconnected);
});

test('pcscReturnCode reads the code at the end of the text only', (t) => {
  t.is(pcscReturnCode(new Error('x (0x80100069)')), 0x80100069);
  t.is(pcscReturnCode(new Error('(0x80100069) then more')), undefined);
  t.is(pcscReturnCode('not an error'), undefined);
});
