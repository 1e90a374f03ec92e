import { html, type Html } from '../html';
import { STRINGS } from '../strings.en';
import { layout, type Shell } from './layout';

/** The sign-in form; `message` says why the last attempt failed (never echoing the token). */
export function signInPage(shell: Shell, message?: { text: string; error: boolean }): Html {
  return layout(
    shell,
    STRINGS.signIn.title,
    html`<section class="sign-in">
  <h1>${STRINGS.signIn.title}</h1>
  <p>${STRINGS.signIn.intro}</p>
  ${message ? html`<p class="${message.error ? 'error' : 'notice'}" role="${message.error ? 'alert' : 'status'}" id="sign-in-message">${message.text}</p>` : ''}
  <form method="post" action="${shell.paths.signIn}">
    <label for="token">${STRINGS.signIn.tokenLabel}</label>
    <input id="token" name="token" type="password" autocomplete="current-password" required autofocus${message?.error ? html` aria-describedby="sign-in-message" aria-invalid="true"` : ''}>
    <button type="submit">${STRINGS.signIn.submit}</button>
  </form>
</section>`,
  );
}
