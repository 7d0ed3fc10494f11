import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * The foundation's end-to-end path: one workflow that writes a row through Prisma and sends an email
 * through SMTP, proving the wiring of client → Temporal → worker → database and SMTP. The yearly cycle
 * replaces it as the main job.
 */
export interface HelloInput {
  name: string;
  email: string;
}

export interface HelloResult {
  helloRunId: number;
  messageId: string;
}

const { recordHello, notify } = proxyActivities<Activities>({
  startToCloseTimeout: '90s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    // Temporal retries until the workflow gives up; permanent SMTP refusals are non-retryable.
    nonRetryableErrorTypes: ['PermanentEmailFailure'],
  },
});

export async function hello(input: HelloInput): Promise<HelloResult> {
  const { workflowId } = workflowInfo();
  const run = await recordHello({ workflowId, name: input.name });
  const sent = await notify({
    idempotencyKey: `${workflowId}:hello:${input.email.toLowerCase()}`,
    workflowId,
    step: 'hello',
    to: input.email,
    subject: `Phối hợp: xin chào ${input.name} / hello ${input.name}`,
    text: [
      `Xin chào ${input.name},`,
      '',
      'Hệ thống phối hợp đã hoạt động: quy trình, cơ sở dữ liệu và thư điện tử đều đã được kết nối.',
      `Mã quy trình: ${workflowId} (lượt ghi số ${run.id}).`,
      '',
      '---',
      `Hello ${input.name},`,
      '',
      'The coordination system is up: workflows, the database and email are all connected.',
      `Workflow ID: ${workflowId} (record number ${run.id}).`,
    ].join('\n'),
  });
  return { helloRunId: run.id, messageId: sent.messageId };
}
