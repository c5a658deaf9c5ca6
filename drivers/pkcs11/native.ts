/**
 * The one place that loads `pkcs11js` (an optionalDependency compiled with
 * node-gyp), lazily: `npm start` and every other driver never load it.
 * @module
 */
import { DriverError } from '../core/errors.js';

/** The pkcs11js package as loaded. */
export type Pkcs11js = typeof import('pkcs11js');

let loading: Promise<Pkcs11js> | undefined;

/** Load pkcs11js once; rejects with `not-installed` saying how to install it. */
export function loadPkcs11js(): Promise<Pkcs11js> {
  loading ??= import('pkcs11js').then(
    (mod) => ((mod as { default?: Pkcs11js }).default ?? mod) as Pkcs11js,
    (error: unknown) => {
      loading = undefined;
      throw new DriverError('not-installed', 'the pkcs11js npm package is missing or did not build: run "npm install pkcs11js" (it compiles with g++ and make)', { cause: error });
    },
  );
  return loading;
}
