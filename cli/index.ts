/**
 * `cli/`: the composition root. Nothing imports it; it is exported for the
 * typedoc build and for tests that drive the command in process.
 * @module
 */
export { main } from './main.js';
export { COMMANDS } from './commands/index.js';
export { EXIT, UsageError, type Command, type Io } from './command.js';
export { DEFAULT_DOCTOR, runDay, summaryText, type DayOptions, type DayReport, type DayResult } from './day/index.js';
