/**
 * The one source of "pointee" Ids in a generated Live set.
 *
 * Live links things by Id: an automation envelope names its parameter's `AutomationTarget` Id.
 * These pointee Ids (AutomationTarget, ModulationTarget, *ModulationTarget, Pointee) must be
 * unique across the whole document and below `LiveSet/NextPointeeId`, or Live may refuse the
 * set. Track Ids must be unique among tracks; in Live's own files they overlap pointee Ids, but
 * handing them out from the same counter satisfies both rules. Every builder takes its Ids from
 * this single allocator, so uniqueness holds by construction; `nextPointeeId` is max + 1.
 *
 * Other `Id` attributes (ClipSlot, Scene, AudioClip, WarpMarker, RemoteableTimeSignature,
 * AutomationLane, envelope events) are list-local indices in Live's files and are not
 * allocated here.
 */
export class PointeeIds {
  private lastIssued = 0;

  /** A fresh Id, never returned before by this allocator (Live's own sets start at 1 too). */
  next(): number {
    this.lastIssued += 1;
    return this.lastIssued;
  }

  /** The value for `NextPointeeId`: one above every Id handed out so far. */
  get nextPointeeId(): number {
    return this.lastIssued + 1;
  }
}
