// The token form: a token for restricted layers, kept for this browser tab only; using
// or clearing it reloads what the caller may see.
import type * as api from '../api';
import { el, replace } from '../dom';
import { t } from '../i18n';
import type { Store } from '../store';
import { Control } from './control';

export class TokenForm extends Control {
  readonly input = el('input', { id: 'token', type: 'password', autocomplete: 'off' });
  private readonly label = el('label', { for: 'token' });
  private readonly use = el('button', { type: 'submit' });

  constructor(
    store: Store,
    private readonly tokens: Pick<typeof api, 'token' | 'setToken'>,
    private readonly changed: () => void,
  ) {
    super(store, [], el('form', { id: 'sign-in', class: 'sign-in' }));
    this.container.addEventListener('submit', (e) => {
      e.preventDefault();
      this.tokens.setToken(this.input.value);
      this.changed();
    });
    replace(this.container, this.label, this.input, this.use);
  }

  render() {
    this.label.textContent = t('token.label');
    this.use.textContent = t('token.use');
    this.input.value = this.tokens.token() ?? '';
  }
}
