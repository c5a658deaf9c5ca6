/**
 * Item ids on the link (ours, see README "Item ids"): an FSE travels under
 * its invoice number (1 to 999,999,999, below 2^30); a lot under
 * `LOT_LINK_FLAG` (2^31) plus the terminal's store id for it. One
 * `list-fses` answer lists both, `acknowledge` takes both.
 * @module
 */

/** Added to a lot's store id to make its link id. */
export const LOT_LINK_FLAG = 0x8000_0000;

/**
 * Whether a link id names a lot.
 * @example isLotLinkId(LOT_LINK_FLAG + 3) // true
 */
export function isLotLinkId(id: number): boolean {
  return id >= LOT_LINK_FLAG;
}

/**
 * The link id of the lot stored under `storeId`.
 * @example lotLinkId(3) // 0x80000003
 */
export function lotLinkId(storeId: number): number {
  return LOT_LINK_FLAG + storeId;
}

/**
 * A lot's store id from its link id (a bare store id is taken as is).
 * @example lotStoreId(0x80000003) // 3
 */
export function lotStoreId(id: number): number {
  return isLotLinkId(id) ? id - LOT_LINK_FLAG : id;
}
