import test from 'ava';
import { isDriverError } from '../core/errors.js';
import { ckrName, fromNative, Pkcs11Error } from './errors.js';

/** An error shaped as pkcs11js's Pkcs11Error: the bare CKR name as message, the CK_RV as code. */
const pkcs11jsError = (ckr: string, rv: number) => Object.assign(new Error(ckr), { name: 'Pkcs11Error', code: rv });

for (const [ckr, rv, code] of [
  ['CKR_PIN_INCORRECT', 0xa0, 'pin-incorrect'],
  ['CKR_PIN_LOCKED', 0xa4, 'pin-locked'],
  ['CKR_TOKEN_NOT_PRESENT', 0xe0, 'no-card'],
  ['CKR_DEVICE_REMOVED', 0x32, 'card-removed'],
  ['CKR_SESSION_HANDLE_INVALID', 0xb3, 'closed'],
  ['CKR_FUNCTION_NOT_SUPPORTED', 0x54, 'not-supported'],
  ['CKR_SLOT_ID_INVALID', 0x03, 'not-found'],
] as const) {
  test(`${ckr} maps to a Pkcs11Error ${code} naming it`, (t) => {
    const error = fromNative(pkcs11jsError(ckr, rv), 'C_Login on slot 1');
    t.true(error instanceof Pkcs11Error);
    t.true(isDriverError(error, code));
    t.like(error, { ckr, rv });
    t.regex(error.message, new RegExp(`^C_Login on slot 1: .+ \\(${ckr}\\)$`));
  });
}

test('an unknown CKR keeps its name; an error with no CKR is a transport-error with its text; a TypeError passes through', (t) => {
  const odd = fromNative(pkcs11jsError('CKR_VENDOR_DEFINED', 0x80000000), 'C_Sign');
  t.like(odd, { code: 'transport-error', ckr: 'CKR_VENDOR_DEFINED' });
  const plain = fromNative(new Error('libfoo.so: cannot open shared object file'), 'load');
  t.like(plain, { code: 'transport-error', ckr: undefined });
  t.regex(plain.message, /cannot open shared object file/);
  const bad = new TypeError('bad');
  t.is(fromNative(bad, 'x'), bad);
  t.is(ckrName('CKR_PIN_INCORRECT'), undefined, 'only errors carry a CKR name');
});

test('the disconnected flag follows the code: a removed card ends the session, a wrong PIN does not', (t) => {
  t.true((fromNative(pkcs11jsError('CKR_DEVICE_REMOVED', 0x32), 'x') as Pkcs11Error).disconnected);
  t.false((fromNative(pkcs11jsError('CKR_PIN_INCORRECT', 0xa0), 'x') as Pkcs11Error).disconnected);
});
