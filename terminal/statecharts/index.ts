/**
 * `terminal/statecharts/`: every machine of the firmware as Mermaid text for
 * the docs (`terminal/diagrams/`). It sits above every machine folder, so
 * importing it never closes an import loop.
 * @module
 */
export { diagramDocuments, STATECHARTS, statechartMermaid } from './mermaid.js';
