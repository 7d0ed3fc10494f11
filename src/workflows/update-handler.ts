// An Update's handler and validator, written apart from the workflow that sets them on the Update's
// definition (setHandler(definition, h.handler, h.options)). Workflow-safe.

export interface UpdateHandler<Ret, Args extends unknown[]> {
  handler: (...args: Args) => Promise<Ret>;
  options: { validator: (...args: Args) => void };
}

export function updateHandler<Ret, Args extends unknown[]>(
  handler: (...args: Args) => Promise<Ret>,
  options: { validator: (...args: Args) => void },
): UpdateHandler<Ret, Args> {
  return { handler, options };
}
