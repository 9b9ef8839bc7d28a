/**
 * An entry in a service's (or cluster's) durable history. Each one is also an outbox record:
 * the table's stream publishes it to Shepherd's event bus as `Shepherd <type>`.
 */
export interface HistoryEvent {
  /** Unique and stable for the fact it records, so a retried write is a no-op. */
  id: string;
  /** What happened, e.g. "Task Stopped", "Task Replaced", "Deployment Completed", "Capacity Changed". */
  type: string;
  /** Service name, or `cluster:<name>` for cluster-level events. */
  subject: string;
  time: string;
  message: string;
  detail: Record<string, unknown>;
}
