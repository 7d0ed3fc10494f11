// The vocabulary of agency groups shared by the directory (Agency.group) and programs (addressees,
// milestone groups). Pure data: safe to import from workflow code.

export const AGENCY_GROUPS = {
  department:
    'Provincial departments, boards and sectors (sở, ban, ngành; includes the Party committee boards)',
  mass_organisation: 'Fatherland Front and mass organisations (Ủy ban MTTQ, đoàn thể)',
  district_committee: 'District-level People’s Committees (UBND huyện, thị xã, thành phố), until 30/06/2025',
  commune_committee: 'Commune-level People’s Committees (UBND xã, phường, thị trấn)',
} as const;

export type AgencyGroup = keyof typeof AGENCY_GROUPS;

export const AGENCY_GROUP_NAMES = Object.keys(AGENCY_GROUPS) as AgencyGroup[];

export function isAgencyGroup(value: string): value is AgencyGroup {
  return Object.prototype.hasOwnProperty.call(AGENCY_GROUPS, value);
}
