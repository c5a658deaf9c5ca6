/**
 * `terminal/host/`: the terminal side of the link to the PC (issue 6 "Host
 * link"): the server answering identify, set-clock, list, fetch,
 * acknowledge, tariff update and event-log requests over any drivers link,
 * the quarantined store's files (and the server while the store is in quarantine),
 * the terminal clock the host sets, and the tariffs in force.
 * @module
 */
export { EVENT_CODES, MAX_EVENT_PAGE, serveHostLink, type HostLinkOptions, type HostLinkServer } from './host-link-server.js';
export { answerSafely, fitText, linkError } from './link-answers.js';
export {
  isQuarantineRequest,
  QUARANTINED_TEXT,
  quarantineAnswers,
  quarantineFolderId,
  serveQuarantinedHostLink,
  type QuarantineAnswerOptions,
  type QuarantinedHostLinkOptions,
  type QuarantinedHostLinkServer,
  type QuarantineRelease,
  type QuarantineRequest,
} from './quarantine-link.js';
export { CLOCK_SETTING, MAX_UTC_OFFSET_MINUTES, openMemoryClock, openTerminalClock, type BaseClock, type SettableClock } from './terminal-clock.js';
export { decodeTariffTable, encodeTariffTable, loadTariffs, saveTariffs, TARIFFS_SETTING, type TariffsInForce, type TariffTableReason } from './tariffs-in-force.js';
