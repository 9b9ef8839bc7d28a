/** Typed outcomes of the store's conditional writes: a lost race is never silent. */

/** The write's condition did not hold: someone else wrote first. Carries what is stored now. */
export class ConflictError<T = unknown> extends Error {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    /** The item as stored when the condition failed (undefined if it does not exist). */
    readonly current: T | undefined,
  ) {
    super(message);
  }
}

/** An observed-state write carried a `detail.version` not newer than the stored one. */
export class StaleVersionError<T = unknown> extends Error {
  override readonly name = 'StaleVersionError';
  constructor(
    readonly attemptedVersion: number,
    readonly current: T | undefined,
  ) {
    super(`version ${attemptedVersion} is not newer than the stored one`);
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(readonly what: string) {
    super(`${what} not found`);
  }
}

/** A pagination token that this store did not issue (or that was tampered with). */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
  constructor() {
    super('nextToken is not valid');
  }
}
