// The messages of the `agencyObligations` workflow: its Query and Updates with their argument and result
// types. The workflow sets its handlers on these, and every client (portal, dashboard, CLI, demo, bench,
// tests) calls them through these, never by name: the names are part of the recorded histories and of the
// running workflows, so they never change. Kept free of workflow logic so that client code can import it.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../../calendar/dates';
import type {
  AgencyObligationsStatus,
  CoordinatorActionBase,
  ExtendInput,
  ExtensionRequestInput,
  RemindNowInput,
  ReturnInput,
  SubmitInput,
  SubmitResult,
  WaiveInput,
} from '../obligation-types';

export type {
  RemindNowInput,
  AgencyObligationsStatus,
  CoordinatorActionBase,
  ExtendInput,
  ExtensionRequestInput,
  ReturnInput,
  SubmitInput,
  SubmitResult,
  WaiveInput,
} from '../obligation-types';

/** The agency's obligations: stages, due dates, submissions, the workflow's clock. */
export const statusQuery = defineQuery<AgencyObligationsStatus>('status');
/** The agency submits a milestone (portal); returns the receipt. */
export const submitUpdate = defineUpdate<SubmitResult, [SubmitInput]>('submit');
/** The agency asks for more time (portal); returns the request's reference. */
export const requestExtensionUpdate = defineUpdate<string, [ExtensionRequestInput]>('requestExtension');
/** The coordinator moves a due date; returns the new due date. */
export const extendUpdate = defineUpdate<IsoDate, [ExtendInput]>('extend');
/** The coordinator returns a submission for revision; returns the new due date. */
export const returnUpdate = defineUpdate<IsoDate, [ReturnInput]>('returnForRevision');
export const acceptUpdate = defineUpdate<void, [CoordinatorActionBase]>('accept');
export const waiveUpdate = defineUpdate<void, [WaiveInput]>('waive');
/** The coordinator sends the agency a reminder now. */
export const remindNowUpdate = defineUpdate<void, [RemindNowInput]>('remindNow');
