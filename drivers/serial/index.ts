/**
 * drivers/serial: the terminal-host link over a serial line (USB CDC ACM
 * or a USB-UART bridge) with the `serialport` npm package, loaded lazily.
 * @module
 */
export { openSerialLinkPort, type SerialLinkOptions } from './serial-link-port.js';
export { listSerialPorts, type SerialPortInfo, type SerialPortListing } from './list-serial-ports.js';
