/**
 * Errors a user can act on, as every transport passes them on: a stable code and a message
 * that says what to do.
 */
/** An error a user can act on: `code` is stable, `message` says what to do. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}
