/**
 * `cli/day/`: the emulated home-visit day behind `bifente day` and
 * `npm start`: the seeded scenario, the doctor robot, the terminals on
 * their emulated cards, the practice's PC on the host SDK with the
 * teleservice in process, and the report (JSON and HTML).
 * @module
 */
export { DAY_DEVICE, DEFAULT_DOCTOR, SPARE_DEVICE, dayStart, parisOffsetMinutes, runDay, type DayOptions, type DayResult } from './run-day.js';
export { planDay, VISITS_RANGE, type DayPlan, type KeyedIdentity, type PlannedVisit, type VisitKind } from './scenario.js';
export { DoctorRobot, KEY_MS, UnexpectedScreen, type TerminalFace, type VisitReading } from './robot.js';
export { runTerminalRound, type TerminalRound, type TerminalRoundOptions } from './terminal-round.js';
export { HOST_SOFTWARE_AGREEMENT, openPractice, type CpsAtPc, type Practice, type PracticeOptions } from './practice.js';
export { collectReturns, sendLots, type Advance, type SendResult } from './send-lots.js';
export { hostFindings, lotsOf, type HostFindings } from './host-findings.js';
export { lotFileName, lotStateWords, summaryText, totalsOf, type DayReport, type LotLine, type RightsCheck, type TimelineEntry, type VisitRecord } from './report.js';
export { escapeHtml, initials, renderReportHtml } from './report-html.js';
export { DAY_READERS, openDayTerminal, type DayTerminal, type DayTerminalOptions } from './terminal-rig.js';
