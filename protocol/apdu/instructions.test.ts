import test from 'ava';
import { instructionName } from './instructions.js';

test('instruction names come from ISO/IEC 7816-4 table 4', (t) => {
  t.is(instructionName(0xa4), 'SELECT');
  t.is(instructionName(0xb0), 'READ BINARY');
  t.is(instructionName(0xc0), 'GET RESPONSE');
  t.is(instructionName(0x20), 'VERIFY');
  t.is(instructionName(0x99), undefined);
});

test('PERFORM SECURITY OPERATION is named by its P1-P2 (7816-8)', (t) => {
  t.is(instructionName(0x2a, 0x9e, 0x9a), 'PERFORM SECURITY OPERATION: COMPUTE DIGITAL SIGNATURE');
  t.is(instructionName(0x2a, 0x90, 0xa0), 'PERFORM SECURITY OPERATION: HASH');
  t.is(instructionName(0x2a, 0x80, 0x86), 'PERFORM SECURITY OPERATION: DECIPHER');
  t.is(instructionName(0x2a, 0x12, 0x34), 'PERFORM SECURITY OPERATION');
});
