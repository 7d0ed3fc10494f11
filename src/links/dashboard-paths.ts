// Addresses of dashboard pages that code outside the web server writes into emails (activities). Pure: no
// web framework imported, so an activity can use it.

export const DASHBOARD_PREFIX = '/quan-ly';

/** The year's inspection plan of a cycle (src/web/dashboard/inspection-plan.ts). */
export const inspectionPlanPath = (cycleId: number | string) =>
  `${DASHBOARD_PREFIX}/chu-ky/${cycleId}/ke-hoach-kiem-tra`;
