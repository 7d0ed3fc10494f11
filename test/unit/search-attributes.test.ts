import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TypedSearchAttributes } from '@temporalio/common';
import { allSearchAttributes, searchAttributeDefinitions } from '../../src/workflows/search-attributes';

describe('search attributes', () => {
  it('registers on the dev server exactly what workflow code uses', () => {
    const fromCode = Object.fromEntries(
      allSearchAttributes.map((key) => [key.name, TypedSearchAttributes.toMetadataType(key.type)]),
    );
    expect(fromCode).toEqual(searchAttributeDefinitions);
    const json = JSON.parse(readFileSync(join(__dirname, '../../config/search-attributes.json'), 'utf8'));
    expect(
      Object.keys(json)
        .filter((k) => !k.startsWith('$'))
        .sort(),
    ).toEqual(['PhAgency', 'PhDueAt', 'PhMilestone', 'PhProgram', 'PhStage', 'PhYear'].sort());
  });
});
