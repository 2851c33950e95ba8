// Alerts: the people the alerts in force cover (the numerator of Sendai indicator G-3),
// each alert in force with its severity, how long it stays in force and how far its
// delivery has come, and — for staff with a token — the drafts waiting for a second
// editor's approval and the approved alerts waiting to be issued. Any alert can be
// previewed: its CAP areas are outlined on the map and listed with their figures. The
// steps (approve, issue, reject, cancel) are the server's; a refusal is shown as it says.
import type * as api from '../api';
import { el, replace } from '../dom';
import { type Lang, language, number, t, utc } from '../i18n';
import { SEVERITY_COLOURS } from '../palette';
import type { Store } from '../store';
import type { AlertDoc, DeliveryCounts, InForce } from '../types';
import { type ComposeApi, composeForm } from './compose';
import { Control } from './control';

export type AlertsApi = Pick<typeof api, 'alertsInForce' | 'alerts' | 'alertStep' | 'alertDeliveries' | 'token'> & ComposeApi;

type Step = 'approve' | 'issue' | 'reject' | 'cancel';

/** Most units listed for a previewed alert (the map outlines all of them). */
const LISTED = 8;

/** The alert's texts in the interface's language, else English, else its first. */
export function infoOf(a: AlertDoc) {
  return a.info.find((i) => i.language.startsWith(language())) ?? a.info.find((i) => i.language.startsWith('en')) ?? a.info[0];
}

/** When an issued alert stops being in force. */
export function expiresAt(a: AlertDoc): string | null {
  return a.sent ? new Date(Date.parse(a.sent) + a.hours * 3600_000).toISOString() : null;
}

export class AlertPanel extends Control {
  private inForce: InForce | null = null;
  private waiting: AlertDoc[] = [];
  private deliveries = new Map<number, DeliveryCounts>();
  private message: string | null = null;
  /** The compose form, kept across redraws (what an editor typed stays), made again in
   *  another language. */
  private compose: { lang: Lang; box: HTMLElement } | null = null;
  /** The last refresh, done (for tests and scripts). */
  done: Promise<void> = Promise.resolve();

  constructor(
    store: Store,
    private readonly server: AlertsApi,
  ) {
    super(store, ['alerts'], el('section', { id: 'alerts', 'aria-labelledby': 'alerts-title' }));
  }

  /** Reads the alerts again: those in force (public ones without a token), and with a
   *  token the drafts and approved alerts and each alert's deliveries. */
  refresh(): Promise<void> {
    this.done = (async () => {
      try {
        this.inForce = await this.server.alertsInForce();
        const staff = !!this.server.token();
        this.waiting = staff ? [...(await this.server.alerts('approved')), ...(await this.server.alerts('draft'))] : [];
        this.deliveries.clear();
        if (staff) {
          await Promise.all(
            this.inForce.alerts.map(async (a) => {
              // Editors see deliveries; a viewer's token is refused, and shown nothing.
              const counts = await this.server.alertDeliveries(a.id).catch(() => null);
              if (counts) this.deliveries.set(a.id, counts);
            }),
          );
        }
      } catch (e) {
        this.message = (e as Error).message;
      }
      const preview = this.store.alerts.preview;
      const still = preview && [...(this.inForce?.alerts ?? []), ...this.waiting].find((a) => a.id === preview.id);
      this.store.setAlerts({ inForce: this.inForce?.alerts ?? [], preview: still ?? null });
    })();
    return this.done;
  }

  private async take(a: AlertDoc, step: Step) {
    this.message = null;
    try {
      const after = await this.server.alertStep(a.id, step);
      this.message = t(`alerts.done.${step}`, { id: after.id });
    } catch (e) {
      this.message = (e as Error).message;
    }
    await this.refresh();
  }

  private composeBox(): HTMLElement {
    if (this.compose?.lang !== language()) {
      const box = composeForm(
        this.store,
        this.server,
        (a) => {
          this.message = a ? t('compose.drafted', { id: a.id, units: number(a.areas.length) }) : t('compose.nothing');
          void this.refresh().then(() => a && this.store.setAlerts({ inForce: this.store.alerts.inForce, preview: a }));
        },
        (m) => {
          this.message = m;
          this.render();
        },
      );
      this.compose = { lang: language(), box };
    }
    return this.compose.box;
  }

  private preview(a: AlertDoc) {
    const shown = this.store.alerts.preview?.id === a.id;
    this.store.setAlerts({ inForce: this.store.alerts.inForce, preview: shown ? null : a });
  }

  render() {
    const staff = !!this.server.token();
    const c = this.inForce?.coverage;
    const coverage = c
      ? el(
          'p',
          { class: 'coverage', 'data-people': c.people, 'data-units': c.units, 'data-alerts': c.alerts },
          el('strong', {}, number(c.people)),
          ' ',
          t('alerts.coverage', { units: number(c.units), alerts: number(c.alerts) }),
          el('span', { class: 'note' }, ` ${t('alerts.coverage.note')}`),
        )
      : null;
    const inForce = this.inForce?.alerts ?? [];
    replace(
      this.container,
      el('h3', { id: 'alerts-title' }, t('alerts.title')),
      coverage,
      inForce.length ? el('ul', { class: 'alert-list in-force' }, ...inForce.map((a) => this.row(a, staff))) : el('p', { class: 'note' }, t('alerts.none')),
      staff && this.waiting.length ? el('h4', {}, t('alerts.waiting')) : null,
      staff && this.waiting.length ? el('ul', { class: 'alert-list waiting' }, ...this.waiting.map((a) => this.row(a, staff))) : null,
      this.details(),
      this.message ? el('p', { class: 'message', role: 'status' }, this.message) : null,
      staff ? this.composeBox() : null,
    );
  }

  private row(a: AlertDoc, staff: boolean) {
    const info = infoOf(a);
    const exposed = a.areas.reduce((s, u) => s + u.exposed, 0);
    const until = expiresAt(a);
    const d = this.deliveries.get(a.id);
    const button = (step: Step) => el('button', { type: 'button', 'data-step': step, onclick: () => void this.take(a, step) }, t(`alerts.step.${step}`));
    const steps: Step[] = !staff ? [] : a.state === 'draft' ? ['approve', 'reject'] : a.state === 'approved' ? ['issue', 'reject'] : a.state === 'issued' && a.msg_type !== 'Cancel' ? ['cancel'] : [];
    return el(
      'li',
      { 'data-alert': a.id, 'data-state': a.state, 'data-severity': a.severity },
      el(
        'span',
        { class: 'severity', 'data-severity': a.severity, style: `border-left-color: ${SEVERITY_COLOURS[a.severity] ?? SEVERITY_COLOURS.Unknown}` },
        t(`alerts.severity.${a.severity}` as 'alerts.severity.Severe'),
      ),
      ' ',
      el('span', { class: 'headline' }, info?.headline ?? a.identifier),
      el(
        'span',
        { class: 'alert-meta' },
        [
          t(`alerts.state.${a.state}`),
          a.msg_type === 'Alert' ? null : t(`alerts.kind.${a.msg_type}`),
          a.status === 'Actual' ? null : a.status,
          t('alerts.units', { units: number(a.areas.length), people: number(exposed) }),
          a.published_figures ? t('alerts.published') : null,
          until ? t('alerts.until', { time: utc(until) }) : null,
          d ? t('alerts.deliveries', { delivered: number(d.delivered), pending: number(d.pending), parked: number(d.parked) }) : null,
        ]
          .filter(Boolean)
          .join(' · '),
      ),
      el(
        'span',
        { class: 'alert-steps' },
        el('button', { type: 'button', 'data-step': 'preview', 'aria-pressed': String(this.store.alerts.preview?.id === a.id), onclick: () => this.preview(a) }, t('alerts.preview')),
        ...steps.map(button),
      ),
    );
  }

  private details() {
    const a = this.store.alerts.preview;
    if (!a) return null;
    const info = infoOf(a);
    const units = [...a.areas].sort((x, y) => y.exposed - x.exposed);
    return el(
      'div',
      { class: 'alert-details', 'data-alert': a.id },
      el('h4', {}, info?.headline ?? a.identifier),
      info?.instruction ? el('p', {}, info.instruction) : null,
      el('p', { class: 'note' }, t('alerts.sources', { hazard: `${a.hazard.title} v${a.hazard.version}`, exposure: `${a.exposure.title} v${a.exposure.version}`, identifier: a.identifier })),
      el(
        'ol',
        { class: 'alert-units' },
        ...units.slice(0, LISTED).map((u) => el('li', { 'data-code': u.code }, `${u.name} (${u.code}): `, t('alerts.unit', { exposed: number(u.exposed), displaced: number(u.displaced) }))),
      ),
      units.length > LISTED ? el('p', { class: 'note' }, t('alerts.more', { n: number(units.length - LISTED) })) : null,
    );
  }
}
