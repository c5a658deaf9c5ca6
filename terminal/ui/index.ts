/**
 * `terminal/ui/`: the 4 × 20 display model, the screens in French and the
 * keypad model of the portable reader (issue 6 "Display and keypad").
 * @module
 */
export { DISPLAY_COLUMNS, DISPLAY_LINES, displayText, fitLine, render, type DisplayLines, type LineAlign, type Screen, type ScreenLine } from './display.js';
export { renderView, screenOf, type BootStep, type CardKind, type View } from './screens.js';
export { digitKey, isDigit, KEY_EVENT_TYPES, keyFromConsole, loggableEvent, type Digit, type KeyEvent } from './keypad.js';
export { SCREEN_EXAMPLES, screenCatalogue } from './screen-examples.js';
