/**
 * `cli/day/`: the emulated home-visit day behind `bifente day` and
 * `npm start`: the seeded scenario, the doctor robot, the terminal on its
 * emulated cards, the host stand-in and the report.
 * @module
 */
export { DAY_DEVICE, DEFAULT_DOCTOR, dayStart, parisOffsetMinutes, runDay, type DayOptions, type DayResult } from './run-day.js';
export { planDay, VISITS_RANGE, type DayPlan, type KeyedIdentity, type PlannedVisit, type VisitKind } from './scenario.js';
export { DoctorRobot, KEY_MS, UnexpectedScreen, type TerminalFace, type VisitReading } from './robot.js';
export { syncWithTerminal, type HostOptions, type HostSession, type ReceivedFse, type ReceivedLot } from './host-stand-in.js';
export { lotFileName, summaryText, totalsOf, type DayReport, type VisitRecord } from './report.js';
export { DAY_READERS, openDayTerminal, type DayTerminal, type DayTerminalOptions } from './terminal-rig.js';
