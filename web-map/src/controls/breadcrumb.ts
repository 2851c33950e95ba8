// Where the dashboard is: country › province › district…, each a link back up.
import { el, replace } from '../dom';
import { t } from '../i18n';
import { ancestry } from '../state';
import type { Store } from '../store';
import { Control } from './control';

export class Breadcrumb extends Control {
  constructor(
    store: Store,
    private readonly drill: (code: string | null) => void,
  ) {
    super(store, ['report', 'unit'], el('nav', { id: 'breadcrumb' }));
  }

  render() {
    this.container.setAttribute('aria-label', t('breadcrumb.label'));
    const codes = ancestry(this.store.state.unit);
    const label = (code: string) => (code === '' ? t('unit.country') : this.store.unitName(code));
    replace(
      this.container,
      ...codes.flatMap((code, i) => [
        i > 0 ? ' › ' : '',
        i === codes.length - 1
          ? el('strong', {}, label(code))
          : el('a', { href: '#', onclick: (e: Event) => (e.preventDefault(), this.drill(code === '' ? null : code)) }, label(code)),
      ]),
    );
  }
}
