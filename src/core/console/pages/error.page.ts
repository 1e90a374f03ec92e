import { html, type Html } from '../html';
import { layout, type Shell } from './layout';

export function errorPage(shell: Shell, title: string, text: string): Html {
  return layout(shell, title, html`<h1>${title}</h1><p role="alert">${text}</p>`);
}
