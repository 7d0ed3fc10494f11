import path from 'node:path';
import { loadProgramFile, PROGRAMS_DIR } from '../../../src/programs/load';
import { analyzeTemplateText, renderTemplate } from '../../../src/programs/templates';
import { INSPECTION_TEMPLATE_SLOTS, TEMPLATE_VARIABLES } from '../../../src/programs/template-variables';

const program = loadProgramFile(path.join(PROGRAMS_DIR, 'dien-bien-kh99.yaml')).definition;

describe("Plan 99's inspection templates", () => {
  it.each(INSPECTION_TEMPLATE_SLOTS)('%s exists and uses only variables its emails carry', (slot) => {
    const template = program.templates[slot];
    expect(template).toBeDefined();
    for (const part of ['subject', 'body'] as const) {
      for (const lang of ['vi', 'en'] as const) {
        const { variables, unknown } = analyzeTemplateText(template![part][lang]);
        expect(unknown).toEqual([]);
        for (const name of variables) {
          const slots = (TEMPLATE_VARIABLES[name] as { slots?: readonly string[] }).slots;
          if (slots) expect({ name, allowed: slots.includes(slot) }).toEqual({ name, allowed: true });
        }
      }
    }
  });

  it('renders a recommendation escalation in Vietnamese and English', () => {
    const values = (lang: 'vi' | 'en') => ({
      program_title: program.title[lang],
      document_number: program.document.number,
      document_date: program.document.date,
      issuer_name: program.document.issuer[lang],
      lead_name:
        lang === 'vi' ? 'Sở Văn hóa, Thể thao và Du lịch' : 'Department of Culture, Sports and Tourism',
      year: 2027,
      agency_name: 'Sở Y tế',
      recipient_name: 'Trần Hữu Minh',
      inspection_kind: lang === 'vi' ? 'kiểm tra' : 'check',
      recommendation_number: 2,
      recommendation_text: 'Kiện toàn tổ công tác về gia đình.',
      due_date: '2027-10-07',
      working_days_late: 3,
      link: 'https://phoihop.example/nhiem-vu/t',
    });
    const vi = renderTemplate(program.templates['recommendation-escalation']!, 'vi', values('vi'));
    expect(vi.subject).toBe('Đôn đốc thực hiện kiến nghị số 2 sau kiểm tra năm 2027 – Sở Y tế');
    expect(vi.text).toContain('dù đã quá hạn (07/10/2027) 3 ngày làm việc');
    const en = renderTemplate(program.templates['recommendation-escalation']!, 'en', values('en'));
    expect(en.subject).toBe('Urgent: recommendation No. 2 of the 2027 check – Sở Y tế');
    expect(en.text).toContain('3 working days past its due date (7 October 2027)');
  });
});
