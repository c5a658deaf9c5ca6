/**
 * The terminal-host link runner: the link protocol of `protocol/link/`
 * over any LinkPort (serial, HID, in memory), with typed requests and
 * answers, and an in-memory port pair.
 * @module
 */
export {
  openLink,
  type Link,
  type LinkAnswerBody,
  type LinkAnswerTo,
  type LinkClock,
  type LinkRequestBody,
  type LinkRequestHandler,
  type LinkRequestOptions,
  type OpenLinkOptions,
  type WithoutRequestId,
} from './open-link.js';
export { createMemoryLinkPair, type MemoryLinkOptions } from './memory-link.js';
