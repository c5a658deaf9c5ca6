/**
 * The PC/SC transport over the `pcsclite` npm module (pcscd, any CCID
 * reader, vsmartcard's vpcd): see README.md.
 * @module
 */
export { createPcscTransport, type PcscBackoff, type PcscTransportOptions } from './pcsc-transport.js';
export { pcscError, pcscReturnCode, PCSCD_START_HINT, type PcscCallSite } from './pcsc-errors.js';
export { loadPcsclite, PCSCLITE_INSTALL_HINT, type PcscliteImporter } from './pcsclite-module.js';
