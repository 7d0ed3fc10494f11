import { ApplicationFailure } from '@temporalio/workflow';

/** Refuses an Update from its validator: the caller gets `message`, nothing is written to the history. */
export function rejected(message: string): never {
  throw ApplicationFailure.create({ message, type: 'Rejected', nonRetryable: true });
}
