/**
 * drivers/ccid: the USB CCID host driver over `usb` 3.x (loaded lazily).
 * @module
 */
export { createCcidTransport, type CcidTransport, type CcidTransportOptions } from './transport.js';
export { CcidPort, verifyPinOnPad, type PinPadOptions } from './ccid-port.js';
export { ccidInterfacesOf, CCID_INTERFACE_CLASS, type CcidInterfaceDescriptor } from './descriptors.js';
export type {
  UsbAlternateLike,
  UsbConfigurationLike,
  UsbConnectionEventLike,
  UsbControlSetup,
  UsbDeviceLike,
  UsbEndpointLike,
  UsbInResult,
  UsbInterfaceLike,
  UsbLike,
  UsbOutResult,
} from './usb-api.js';
// A software CCID reader behind a mimic of `usb` 3.1: integrators test CCID
// host code with no hardware (the cards are any objects answering APDUs).
export { MimicConnectionEvent, MimicUsb, MimicUsbDevice, napiError, type UsbFunction } from './mimic/usb-mimic.js';
export { SoftwareCcidReader, softwareReaderDescriptor, t1Atr, type HostileReply, type SlotCard, type SoftwareReaderOptions } from './mimic/software-reader.js';
