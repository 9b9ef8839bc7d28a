/**
 * An error the simulator answers with, in the shape the real service uses.
 * JSON protocols (ECS, EventBridge) answer `{"__type": code, "message": ...}`;
 * query protocols (Auto Scaling) answer an XML ErrorResponse with the same code.
 */
export class SimError extends Error {
  /** Extra members of a JSON error body (e.g. ECS ConflictException's `resourceIds`). */
  fields?: Record<string, unknown>;

  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    /** Query-protocol fault type: Sender (caller's fault) or Receiver (service's). */
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}
