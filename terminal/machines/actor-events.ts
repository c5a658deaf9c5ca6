/**
 * Reading the events XState sends a machine when an invoked actor settles
 * (`xstate.done.actor.<id>` with `output`, `xstate.error.actor.<id>` with
 * `error`): named actions and guards receive them typed as the machine's
 * own events, so these helpers say which field they read.
 * @module
 */

/** The `output` of an `xstate.done.actor.*` event. */
export function outputOf<T>(event: { readonly type: string }): T {
  return (event as unknown as { readonly output: T }).output;
}

/** The `error` of an `xstate.error.actor.*` event. */
export function errorOf(event: { readonly type: string }): unknown {
  return (event as unknown as { readonly error: unknown }).error;
}
