import { howChosen } from '../../../src/activities/inspection-plan';

// The inspection plan email says how the proposal's visits were chosen, and only the ways that were used.
describe('howChosen', () => {
  it('counts both ways when the risk figures and the sample each chose some', () => {
    expect(howChosen({ byRisk: 8, bySample: 4 })).toEqual({
      vi: ': 8 đơn vị chọn theo mức độ rủi ro, 4 đơn vị chọn ngẫu nhiên',
      en: ': 8 chosen by risk, 4 by random sample',
    });
  });

  it('names only the way used', () => {
    expect(howChosen({ byRisk: 3, bySample: 0 })).toEqual({
      vi: ', chọn theo mức độ rủi ro',
      en: ', chosen by risk',
    });
    expect(howChosen({ byRisk: 0, bySample: 2 })).toEqual({
      vi: ', chọn ngẫu nhiên',
      en: ', chosen by random sample',
    });
  });

  it('says nothing of a choice when no visit was proposed', () => {
    expect(howChosen({ byRisk: 0, bySample: 0 })).toEqual({ vi: '', en: '' });
  });

  it('keeps the general wording for a workflow that proposed before the counts were passed', () => {
    expect(howChosen({})).toEqual({
      vi: ', chọn theo mức độ rủi ro và chọn ngẫu nhiên',
      en: ', chosen by risk and by random sample',
    });
  });
});
