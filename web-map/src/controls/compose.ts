// Composing an alert as a rule (editors): which hazard and exposure layers, which level
// of units, which classes count and from how many people (or what share) a unit is
// warned, and what the alert says — CAP's category, event, response, urgency, severity,
// certainty, headline and instruction in English (French and Kinyarwanda when given),
// hours in force, scope. Saved as the rule's next version and evaluated at once: the
// draft it makes is previewed on the map (its CAP units and figures) for a second editor
// to approve. What the server refuses is shown as it says it.
import type * as api from '../api';
import { el } from '../dom';
import { levelName, t } from '../i18n';
import type { Store } from '../store';
import type { AlertDoc } from '../types';

export type ComposeApi = Pick<typeof api, 'putRule' | 'evaluateRule'>;

const LEVELS = ['province', 'district', 'sector', 'cell', 'village'] as const;
const CLASSES = ['high', 'medium', 'low', 'very_low'] as const;
const CATEGORIES = ['Met', 'Geo', 'Safety', 'Rescue', 'Health', 'Env', 'Infra', 'Other'];
const RESPONSES = ['Evacuate', 'Prepare', 'Shelter', 'Avoid', 'Monitor', 'Execute', 'Assess', 'AllClear', 'None'];
const URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'];
const SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'];
const CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'];
const LANGS = ['en', 'fr', 'rw'] as const;

/** A rule as the form holds it (the server's RuleSpec). */
export function ruleOf(form: HTMLFormElement): { id: string; spec: Record<string, unknown> } {
  const f = new FormData(form);
  const text = (k: string) => String(f.get(k) ?? '').trim();
  const texts = (k: string) => Object.fromEntries(LANGS.map((l) => [l, text(`${k}.${l}`)]).filter(([, v]) => v));
  return {
    id: text('id'),
    spec: {
      title: text('title'),
      condition: {
        hazard: text('hazard'),
        exposure: text('exposure'),
        level: text('level'),
        classes: f.getAll('classes').map(String),
        measure: text('measure'),
        at_least: Number(text('at_least')),
      },
      alert: {
        category: text('category'),
        event: texts('event'),
        response_type: text('response_type'),
        urgency: text('urgency'),
        severity: text('severity'),
        certainty: text('certainty'),
        headline: texts('headline'),
        description: texts('description'),
        instruction: texts('instruction'),
        hours: Number(text('hours')),
        scope: text('scope'),
      },
    },
  };
}

/** The compose form, for the layers of `store`'s catalog; `drafted` gets the draft the
 *  saved rule made (null when no unit meets it), `refused` what the server said. */
export function composeForm(store: Store, server: ComposeApi, drafted: (a: AlertDoc | null) => void, refused: (message: string) => void): HTMLElement {
  const options = (values: readonly string[], label: (v: string) => string = (v) => v, chosen?: string) =>
    values.map((v) => el('option', { value: v, selected: v === chosen }, label(v)));
  const field = (label: string, control: HTMLElement) => el('label', {}, `${label} `, control);
  const input = (name: string, extra: Record<string, string | boolean> = {}) => el('input', { name, ...extra });
  const select = (name: string, values: readonly string[], label?: (v: string) => string, chosen?: string) => {
    const s = el('select', { name }, ...options(values, label, chosen));
    if (chosen && values.includes(chosen)) s.value = chosen;
    return s;
  };
  const layers = (kind: string) => store.catalog.filter((l) => l.kind === kind).map((l) => l.id);
  const titleOf = (id: string) => store.catalog.find((l) => l.id === id)?.title ?? id;
  const perLanguage = (name: string, label: string, required: boolean) =>
    el('fieldset', {}, el('legend', {}, label), ...LANGS.map((l) => field(t(l === 'en' && !required ? 'compose.lang.en_optional' : `compose.lang.${l}`), input(`${name}.${l}`, { required: required && l === 'en', lang: l }))));
  const form = el(
    'form',
    { class: 'compose' },
    field(t('compose.id'), input('id', { required: true, pattern: '[a-z0-9][a-z0-9_\\-]*' })),
    field(t('compose.rule_title'), input('title', { required: true })),
    field(t('question.hazard'), select('hazard', layers('hazard'), titleOf, store.state.hazard ?? undefined)),
    field(t('question.exposure'), select('exposure', layers('exposure'), titleOf, store.state.exposure ?? undefined)),
    field(t('compose.level'), select('level', LEVELS, levelName, 'sector')),
    el('fieldset', {}, el('legend', {}, t('compose.classes')), ...CLASSES.map((c) => el('label', {}, el('input', { type: 'checkbox', name: 'classes', value: c, checked: c === 'high' || c === 'medium' }), ` ${t(`class.${c}`)}`))),
    field(t('compose.measure'), el('select', { name: 'measure' }, el('option', { value: 'people' }, t('compose.measure.people')), el('option', { value: 'share' }, t('compose.measure.share')))),
    field(t('compose.at_least'), input('at_least', { type: 'number', min: '0', step: 'any', required: true, value: '1000' })),
    field(t('compose.category'), select('category', CATEGORIES)),
    perLanguage('event', t('compose.event'), true),
    field(t('compose.response'), select('response_type', RESPONSES)),
    field(t('compose.urgency'), select('urgency', URGENCIES, undefined, 'Expected')),
    field(t('compose.severity'), select('severity', SEVERITIES, (v) => t(`alerts.severity.${v}` as 'alerts.severity.Severe'), 'Severe')),
    field(t('compose.certainty'), select('certainty', CERTAINTIES, undefined, 'Likely')),
    perLanguage('headline', t('compose.headline'), true),
    perLanguage('description', t('compose.description'), false),
    perLanguage('instruction', t('compose.instruction'), true),
    field(t('compose.hours'), input('hours', { type: 'number', min: '1', max: '720', required: true, value: '48' })),
    field(t('compose.scope'), el('select', { name: 'scope' }, el('option', { value: 'Public' }, t('compose.scope.public')), el('option', { value: 'Restricted' }, t('compose.scope.restricted')))),
    el('p', { class: 'note' }, t('compose.templates')),
    el('button', { type: 'submit' }, t('compose.save')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const { id, spec } = ruleOf(form);
    try {
      await server.putRule(id, spec);
      const done = await server.evaluateRule(id);
      drafted(done.alert);
    } catch (err) {
      refused((err as Error).message);
    }
  });
  return el('details', { class: 'compose-box' }, el('summary', {}, t('compose.title')), form);
}
