/**
 * The preview's HTML: one layout, form fields with their labels and errors, the page-level error
 * area, the block page, the token page and the request/response panels. Plain HTML and CSS (see
 * styles.ts), no script; every value is escaped.
 */
import { DEMO_PAIRS, PREVIEW_LANGUAGES, type PreviewLanguage } from './choices';

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function layout(title: string, product: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · b2c-claims-api preview</title>
<link rel="stylesheet" href="/preview/style.css">
</head>
<body>
<a class="skip" href="#main">Skip to the page</a>
<header class="bar"><a href="/preview">b2c-claims-api preview</a><span>${escapeHtml(product)}</span></header>
<main id="main">
${body}
</main>
</body>
</html>
`;
}

export interface Field {
  readonly name: string;
  readonly label: string;
  readonly type?: 'text' | 'email' | 'password';
  readonly value?: string;
  readonly required?: boolean;
  readonly autocomplete?: string;
  /** An error shown beside this field (Entra's attributeErrors). */
  readonly error?: { readonly text: string; readonly lang: string };
}

export function field(f: Field): string {
  const id = `field-${f.name}`;
  const error = f.error
    ? `<p class="field-error" id="${id}-error" lang="${escapeHtml(f.error.lang)}">${escapeHtml(f.error.text)}</p>`
    : '';
  const described = f.error ? ` aria-describedby="${id}-error" aria-invalid="true"` : '';
  return `<div class="field">
<label for="${id}">${escapeHtml(f.label)}${f.required ? '' : ' <span class="optional">(optional)</span>'}</label>
<input id="${id}" name="${escapeHtml(f.name)}" type="${f.type ?? 'text'}"${
    f.value && f.type !== 'password' ? ` value="${escapeHtml(f.value)}"` : ''
  }${f.required ? ' required' : ''}${f.autocomplete ? ` autocomplete="${f.autocomplete}"` : ''}${described}>
${error}</div>`;
}

export function languageSelect(selected: PreviewLanguage, id = 'field-lang'): string {
  const options = Object.entries(PREVIEW_LANGUAGES)
    .map(
      ([code, l]) =>
        `<option value="${code}" lang="${l.culture}"${code === selected ? ' selected' : ''}>${escapeHtml(l.name)} (${l.culture})</option>`,
    )
    .join('');
  return `<div class="field"><label for="${id}">Language</label><select id="${id}" name="lang">${options}</select></div>`;
}

/** B2C's page-level error area above the fields (and Entra's message at the top). */
export function pageError(text: string | undefined, lang: string): string {
  if (text === undefined) return '';
  return `<div class="page-error" role="alert" id="page-error" lang="${escapeHtml(lang)}">${escapeHtml(text)}</div>`;
}

export function blockPage(title: string, message: string, lang: string, panels: string): string {
  return `<section class="card block" aria-labelledby="block-title">
<h1 id="block-title">${escapeHtml(title)}</h1>
<p class="block-message" lang="${escapeHtml(lang)}">${escapeHtml(message)}</p>
<p><a href="/preview">Start again</a></p>
</section>
${panels}`;
}

/** Where the journey ends in an error: what the product does, and the message it shows. */
export function errorPage(
  title: string,
  explanation: string,
  shown: { readonly text: string; readonly lang: string } | undefined,
  panels: string,
): string {
  return `<section class="card" aria-labelledby="title"><h1 id="title">${escapeHtml(title)}</h1>
<p>${escapeHtml(explanation)}</p>
${shown ? pageError(shown.text, shown.lang) : ''}
<p><a href="/preview">Start again</a></p></section>
${panels}`;
}

/** The claims the token would carry, listed as jwt.ms lists them (Claims tab). */
export function tokenPage(
  title: string,
  claims: Readonly<Record<string, string | readonly string[]>>,
  note: string,
  panels: string,
): string {
  const rows = Object.entries(claims)
    .map(
      ([name, value]) =>
        `<tr><th scope="row">${escapeHtml(name)}</th><td>${escapeHtml(Array.isArray(value) ? JSON.stringify(value) : value)}</td></tr>`,
    )
    .join('\n');
  return `<section class="card" aria-labelledby="token-title">
<h1 id="token-title">${escapeHtml(title)}</h1>
<p>${escapeHtml(note)}</p>
<table class="claims"><caption>Claims</caption>
<thead><tr><th scope="col">Claim type</th><th scope="col">Value</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p><a href="/preview">Try another sign-up</a></p>
</section>
${panels}`;
}

/** One exchange with the API, as the caller sent and read it. */
export interface Exchange {
  readonly step: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  readonly status?: number | undefined;
  readonly response?: unknown;
  /** What the caller made of the answer. */
  readonly outcome: string;
}

function pretty(body: string | undefined): string {
  if (body === undefined || body === '') return '(no body)';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function panels(exchanges: readonly Exchange[]): string {
  if (exchanges.length === 0) return '';
  const items = exchanges.map((e, i) => {
    const head = Object.entries(e.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n');
    const response =
      e.status === undefined
        ? '(no answer)'
        : `HTTP ${e.status}\n\n${typeof e.response === 'string' ? e.response : e.response === undefined ? '(no body)' : JSON.stringify(e.response, null, 2)}`;
    return `<details class="panel"${i === exchanges.length - 1 ? ' open' : ''}>
<summary>${escapeHtml(e.step)}: ${escapeHtml(e.method)} ${escapeHtml(new URL(e.url).pathname)} → ${escapeHtml(e.status ?? 'no answer')}</summary>
<p class="outcome">${escapeHtml(e.outcome)}</p>
<h3>Request</h3>
<pre>${escapeHtml(`${e.method} ${e.url}\n${head}\n\n${pretty(e.body)}`)}</pre>
<h3>Response</h3>
<pre>${escapeHtml(response)}</pre>
</details>`;
  });
  return `<section class="calls" aria-labelledby="calls-title"><h2 id="calls-title">Calls to the API</h2>
${items.join('\n')}</section>`;
}

export function demoChoices(selected: string): string {
  return Object.entries(DEMO_PAIRS)
    .map(
      ([key, pair]) =>
        `<div class="choice"><input type="radio" id="demo-${key}" name="demo" value="${key}"${key === selected ? ' checked' : ''}><label for="demo-${key}">${escapeHtml(pair.label)}: <code>${escapeHtml(pair.email)}</code>, loyalty ID <code>${escapeHtml(pair.loyaltyId)}</code></label></div>`,
    )
    .join('\n');
}
