// Vector-style tests of every command of the core on the generic card
// (test-vectors/cards/generic.json). Each row: APDU sent, expected answer
// (data + SW, hex), run in order on one fresh card per table.
import test from 'ava';
import { GENERIC_PIN, genericStorage, lc, mustOpen, pinHex, send } from '../test-support.js';

type Row = readonly [what: string, apdu: string, answer: string];

const AID = 'F0424946454E544501';
const FCP_EF_ATR = '621A8002000A8201018302' + '2F01' + '8A0105A10A8C087FFFFFFFFFFFFF00';
const VERIFY = `00200001${lc(pinHex(GENERIC_PIN, 8))}${pinHex(GENERIC_PIN, 8)}`;

function table(title: string, rows: readonly Row[]): void {
  test(title, (t) => {
    const card = mustOpen(genericStorage());
    for (const [what, apdu, answer] of rows) t.is(send(card, apdu.replace(/\s/g, '')), answer.replace(/\s/g, ''), what);
  });
}

table('SELECT: every P1 form, every answer form, and the errors', [
  ['MF by FID, no answer', '00A4000C023F00', '9000'],
  ['MF by empty data', '00A4000C', '9000'],
  ['EF.ATR by path from MF with 3F00 kept, FCP (OpenSC, DOMAIN.md)', '00A40904043F002F0100', FCP_EF_ATR + '9000'],
  ['EF.ATR by path from MF without 3F00', '00A40804022F0100', FCP_EF_ATR + '9000'],
  ['FCI is a 6F template', '00A40800022F0100', '6F' + FCP_EF_ATR.slice(2) + '9000'],
  ['FMD is refused', '00A40808022F0100', '6A86'],
  ['child DF by FID (P1 01)', '00A4010C021000', '9000'],
  ['EF under the current DF (P1 02)', '00A4020C020101', '9000'],
  ['P1 02 on a DF is not found', '00A4020C021000', '6A82'],
  ['parent DF (P1 03)', '00A4030C', '9000'],
  ['parent of the MF does not exist', '00A4030C', '6A82'],
  ['P1 03 with data is a wrong length', '00A4030C021000', '6700'],
  ['application by AID, FCP carries 84', `00A40404${lc(AID)}${AID}00`, '622182013883021000' + `8409${AID}` + '8A0105A10A8C087FFFFFFFFFFF11FF9000'],
  ['application by truncated AID', '00A4040C05F042494645', '9000'],
  ['next occurrence: there is none', '00A4040E05F042494645', '6A82'],
  ['last occurrence is not supported', '00A4040D05F042494645', '6A86'],
  ['sibling EF by FID from inside the DF (P1 00 searches the parent)', '00A4000C022F00', '9000'],
  ['PIV AID is foreign: 6A82', '00A4040C09A00000030800001000', '6A82'],
  ['OpenPGP AID is foreign: 6A82', '00A4040C06D27600012401', '6A82'],
  ['Muscle AID is foreign: 6A82', '00A4040C06A00000000101', '6A82'],
  ['unknown FID', '00A4000C021234', '6A82'],
  ['FID of three bytes', '00A4000C03123456', '6700'],
  ['odd path length', '00A4080C03123456', '6700'],
  ['path through an EF', '00A4080C042F000101', '6A82'],
  ['P1 05 is not a SELECT form', '00A4050C023F00', '6A86'],
  ['P2 with reserved bits', '00A40010023F00', '6A86'],
  ['FCP without Le: 61xx then GET RESPONSE (T=0 style)', '00A40904043F002F01', '611C'],
  ['GET RESPONSE serves it', '00C000001C', FCP_EF_ATR + '9000'],
  ['nothing left to get', '00C0000010', '6985'],
]);

table('READ BINARY and UPDATE BINARY: offsets, SFI, access rules', [
  ['no current EF', '00B0000004', '6986'],
  ['by SFI 1 in the MF: not found', '00B0810004', '6A82'],
  ['enter the application', '00A4040C09' + AID, '9000'],
  ['by SFI 1 at offset 0', '00B0810005', '48656C6C6F9000'],
  ['the SFI made 0101 current: offset 7', '00B0000704', '63617264' + '9000'],
  ['short at the end with an explicit Le: 6282', '00B0003E04', '0000' + '6282'],
  ['Le 00 reads what is left: 9000', '00B0003C00', '00000000' + '9000'],
  ['offset at the end', '00B0004001', '6B00'],
  ['SFI with b7-b6 set', '00B0E10001', '6A86'],
  ['no Le', '00B00000', '6700'],
  ['update without the PIN', '00D6000002AABB', '6982'],
  ['verify the PIN', VERIFY, '9000'],
  ['update after the PIN', '00D6000002AABB', '9000'],
  ['the write is there', '00B0000003', 'AABB6C9000'],
  ['update past the end', '00D6003F02AABB', '6A84'],
  ['update without data', '00D60000', '6700'],
  ['update a never-writable EF by SFI 4', '00D6840001FF', '6982'],
  ['read a record EF with READ BINARY', '00B0820001', '6981'],
]);

table('READ RECORD and UPDATE RECORD', [
  ['enter the application', '00A4040C09' + AID, '9000'],
  ['record 2 of SFI 2', '00B2021400', '02000000000000009000'],
  ['current record (P1 00) is now 2', '00B2000400', '02000000000000009000'],
  ['records 2 to the last', '00B2021500', '020000000000000003000000000000009000'],
  ['from the last down to 2', '00B2021600', '030000000000000002000000000000009000'],
  ['record 4 does not exist', '00B2041400', '6A83'],
  ['record identifiers are not supported', '00B2011000', '6A86'],
  ['private records need the PIN', '00B2011C00', '6982'],
  ['transparent EF by SFI', '00B2010C00', '6981'],
  ['verify', VERIFY, '9000'],
  ['private record 3 (variable)', '00B2031C00', '4343439000'],
  ['update record 1 of SFI 2, right size', '00DC011408 1111111111111111', '9000'],
  ['read it back', '00B2011400', '11111111111111119000'],
  ['fixed record, wrong size', '00DC011402 1111', '6700'],
  ['variable records are never writable', '00DC011C01 41', '6982'],
  ['current EF when SFI is 0', '00B2010400', '419000'],
  ['unknown SFI', '00B2012C00', '6A82'],
]);

table('GET DATA even and odd INS', [
  ['5F20 from the MF', '00CA5F2000', '424946454E544520544553549000'],
  ['unknown tag', '00CA5F2100', '6A88'],
  ['PIN-protected object', '00CADF0100', '6982'],
  ['no Le', '00CA5F20', '6700'],
  ['odd INS, tag list on the current DF', '00CB3FFF045C025F2000', '5F200C424946454E544520544553549000'],
  ['odd INS, a PIN-protected tag in the list', '00CB3FFF065C045F20DF0100', '6982'],
  ['odd INS, an unknown tag in the list', '00CB3FFF065C045F20DF0200', '6A88'],
  ['odd INS, extended header list without a profile hook', '00CB3FFF0B4D097007BF8101037F418000', '6A88'],
  ['odd INS, malformed data', '00CB3FFF02AB0500', '6A80'],
  ['odd INS on an unknown DF', '00CB1234045C025F2000', '6A82'],
  ['inherited from the MF inside the application', '00A4040C09' + AID, '9000'],
  ['5F20 seen from the application', '00CA5F2000', '424946454E544520544553549000'],
  ['5F50 of the application', '00CA5F5000', '68747470733A2F2F626966656E74652E696E76616C69649000'],
]);

table('class byte, instruction and channel errors', [
  ['proprietary class', '80A4000C023F00', '6E00'],
  ['class FF', 'FFA4000C023F00', '6E00'],
  ['secure messaging', '0CA4000C023F00', '6882'],
  ['chaining', '10A4000C023F00', '6884'],
  ['channel 1 is closed', '01A4000C023F00', '6881'],
  ['further channels', '40A4000C023F00', '6881'],
  ['unknown INS', '00FE0000', '6D00'],
  ['three bytes', '00A400', '6700'],
  ['Lc longer than the data', '00A4000C053F00', '6700'],
  ['open a channel, card chooses', '0070000001', '019000'],
  ['channel 1 works and starts at the MF', '01A4000C022F01', '9000'],
  ['open channel 3 explicitly', '00700003', '9000'],
  ['channel 3 again', '00700003', '6985'],
  ['open channel 2 by choice', '0070000001', '029000'],
  ['no channel left', '0070000001', '6A81'],
  ['close channel 1 from itself', '01708000', '9000'],
  ['channel 1 is gone', '01A4000C023F00', '6881'],
  ['channel 0 cannot be closed', '00708000', '6A86'],
  ['GET CHALLENGE without Le', '00840000', '6700'],
  ['GET CHALLENGE with bad P1', '0084010008', '6A86'],
]);

test('GET CHALLENGE is reproducible from the seed; reset gives the warm ATR and clears the session', (t) => {
  const a = mustOpen(genericStorage(), { seed: 42 });
  const b = mustOpen(genericStorage(), { seed: 42 });
  const c = mustOpen(genericStorage(), { seed: 43 });
  const first = send(a, '0084000008');
  t.is(first.length, 20);
  t.is(send(b, '0084000008'), first);
  t.not(send(c, '0084000008'), first);
  t.not(send(a, '0084000008'), first, 'the next challenge differs');
  t.is(send(a, VERIFY), '9000');
  const warm = a.reset();
  t.notDeepEqual(warm, a.atr(), 'the generic card has a distinct warm ATR');
  t.is(send(a, '00200001'), '63C3', 'the reset cleared the security status');
});
