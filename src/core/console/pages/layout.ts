import { html, type Html } from '../html';
import { type ConsolePaths } from '../console-paths';
import { type ConsoleSession } from '../session-codec';
import { STRINGS } from '../strings.en';

export interface Shell {
  paths: ConsolePaths;
  assets: { css: string; js: string };
  /** Hashed names of this page's own files (the figures page's charts), after the console's. */
  pageAssets?: { css: string[]; js: string[] };
  /** Server clock now (epoch ms): the browser ticks countdowns from it, not from its own clock. */
  serverNow: number;
  session?: ConsoleSession;
  csrf?: string;
  /** The nav item of this page (`inquiry`: shown only while one is open). */
  current?: 'queue' | 'inquiry' | 'deliveries'
    | 'figures'
    | 'runbook';
}

/**
 * The frame of every console page: skip link, header with the sections and who is signed in,
 * a live region for announcements, and the page.
 */
export function layout(shell: Shell, title: string, main: Html): Html {
  const { paths, session } = shell;
  type Item = { key: NonNullable<Shell['current']>; href: string; label: string };
  const nav: Item[] = [
    { key: 'queue', href: paths.home, label: STRINGS.nav.queue },
    // An inquiry has no page of its own in the sections until one is open: then it is where you are.
    ...(shell.current === 'inquiry' ? [{ key: 'inquiry' as const, href: '#main', label: STRINGS.nav.inquiry }] : []),
    { key: 'deliveries', href: paths.deliveries, label: STRINGS.nav.deliveries },
    { key: 'figures', href: paths.figures, label: STRINGS.nav.figures },
    { key: 'runbook', href: paths.runbook, label: STRINGS.runbook.nav },
  ];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${STRINGS.product}</title>
<link rel="stylesheet" href="${paths.asset(shell.assets.css)}">
<script src="${paths.asset(shell.assets.js)}" defer></script>
${(shell.pageAssets?.css ?? []).map((file) => html`<link rel="stylesheet" href="${paths.asset(file)}">\n`)}
${(shell.pageAssets?.js ?? []).map((file) => html`<script src="${paths.asset(file)}" defer></script>\n`)}
</head>
<body data-server-now="${shell.serverNow}" data-csrf="${shell.csrf ?? ''}" data-strings="${JSON.stringify(STRINGS.client)}">
<a class="skip" href="#main">${STRINGS.skipToContent}</a>
<header class="top">
  <span class="brand">${STRINGS.product}</span>
  ${session
    ? html`<nav aria-label="${STRINGS.nav.label}"><ul>${nav.map(
        (item) => html`<li><a href="${item.href}"${shell.current === item.key ? html` aria-current="page"` : ''}>${item.label}</a></li>`,
      )}</ul></nav>
  <form class="who" method="post" action="${paths.signOut}">
    <span>${STRINGS.signedInAs(session.name, STRINGS.roles[session.role])}</span>
    <input type="hidden" name="csrf" value="${shell.csrf ?? ''}">
    <button type="submit">${STRINGS.signOut}</button>
  </form>`
    : ''}
</header>
<div id="announce" class="flash" role="status" aria-live="polite"></div>
<main id="main" tabindex="-1">
${main}
</main>
</body>
</html>`;
}
