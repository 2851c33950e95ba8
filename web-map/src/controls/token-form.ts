// The token form: a token for restricted layers, kept for this browser tab only; using
// or clearing it reloads what the caller may see.
import type * as api from '../api';
import { el, replace } from '../dom';
import type { Store } from '../store';
import { Control } from './control';

export class TokenForm extends Control {
  readonly input = el('input', { id: 'token', type: 'password', autocomplete: 'off' });

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
    replace(
      this.container,
      el('label', { for: 'token' }, 'Token (for restricted layers; this tab only)'),
      this.input,
      el('button', { type: 'submit' }, 'Use'),
    );
  }

  render() {
    this.input.value = this.tokens.token() ?? '';
  }
}
