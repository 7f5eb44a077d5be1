// Charts as plain SVG: grouped bars over labelled slots, with a keyboard
// cursor (focus the chart, then ←/→, Home, End) whose reading is announced,
// a pointer that moves the same cursor, and the same numbers as a table for
// anyone who would rather read one. Colours come from CSS (`.series-N`), so
// the page's light and dark schemes both hold.

import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';

const H = 220;
const PAD = { left: 44, right: 8, top: 12, bottom: 34 };

/** A round top for the axis and four ticks under it. */
function scale(max) {
  if (max <= 0) return { top: 4, ticks: [0, 1, 2, 3, 4] };
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough);
  const whole = Math.max(1, step);
  return { top: whole * 4, ticks: [0, 1, 2, 3, 4].map((i) => i * whole) };
}

/**
 * `labels`: one per slot; `series`: `[{ name, values }]`, a value per slot
 * (`null` for none); `format` turns a value into words; `short` a label
 * into the axis's text.
 */
export function BarChart({ id, title, labels, series, format = String, short = (l) => l, axis = 'When' }) {
  const [cursor, setCursor] = useState(null);
  // Drawn at the width it is shown at, so its text stays the page's size.
  const figure = useRef(null);
  const [W, setW] = useState(640);
  useEffect(() => {
    const observer = new ResizeObserver(([entry]) => setW(Math.max(240, Math.round(entry.contentRect.width))));
    observer.observe(figure.current);
    return () => observer.disconnect();
  }, []);
  const slots = labels.length;
  const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const { top, ticks } = scale(max);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slotW = plotW / Math.max(1, slots);
  const barW = Math.max(1, (slotW * 0.8) / series.length);
  const y = (v) => PAD.top + plotH - (plotH * (v ?? 0)) / top;
  const every = Math.max(1, Math.ceil(slots / Math.floor(W / 80)));
  const reading = (i) =>
    `${labels[i]}: ${series.map((s) => `${s.name} ${s.values[i] == null ? 'none' : format(s.values[i])}`).join(', ')}`;
  const total = series.map((s) => `${s.name} ${format(s.values.reduce((a, v) => a + (v ?? 0), 0))}`).join(', ');

  const keys = (e) => {
    const last = slots - 1;
    const at = cursor ?? -1;
    const next = { ArrowRight: Math.min(last, at + 1), ArrowLeft: Math.max(0, at < 0 ? last : at - 1), Home: 0, End: last }[e.key];
    if (next === undefined || slots === 0) return;
    e.preventDefault();
    setCursor(next);
  };
  const point = (e) => {
    const box = e.currentTarget.getBoundingClientRect();
    const x = ((e.clientX - box.left) / box.width) * W - PAD.left;
    const i = Math.floor(x / slotW);
    setCursor(i >= 0 && i < slots ? i : null);
  };

  return html`<figure class="chart" id=${id} ref=${figure}>
    <figcaption>
      <span class="chart-title">${title}</span>
      <span class="legend">${series.map((s, n) => html`<span class="key"><i class=${`swatch series-${n}`}></i>${s.name}</span>`)}</span>
    </figcaption>
    <svg viewBox=${`0 0 ${W} ${H}`} role="img" tabindex="0" aria-label=${`${title}. In all: ${total}. Use the arrow keys to read each point.`}
      onKeyDown=${keys} onMouseMove=${point} onMouseLeave=${() => setCursor(null)} onBlur=${() => setCursor(null)}>
      ${ticks.map(
        (t) => html`<g class="tick">
          <line x1=${PAD.left} x2=${W - PAD.right} y1=${y(t)} y2=${y(t)} />
          <text x=${PAD.left - 6} y=${y(t) + 4} text-anchor="end">${format(t)}</text>
        </g>`,
      )}
      ${labels.map(
        (label, i) => html`<g class=${`slot${cursor === i ? ' current' : ''}`}>
          <rect class="hover" x=${PAD.left + i * slotW} y=${PAD.top} width=${slotW} height=${plotH} />
          ${series.map(
            (s, n) => html`<rect class=${`bar series-${n}`} x=${PAD.left + i * slotW + slotW * 0.1 + n * barW}
              y=${y(s.values[i])} width=${barW} height=${Math.max(0, PAD.top + plotH - y(s.values[i]))}>
              <title>${reading(i)}</title>
            </rect>`,
          )}
          ${i % every === 0 &&
          html`<text class="label" x=${PAD.left + i * slotW + slotW / 2} y=${H - PAD.bottom + 16} text-anchor="middle">${short(label)}</text>`}
        </g>`,
      )}
    </svg>
    <p class="reading" aria-live="polite">${cursor != null ? reading(cursor) : ''}</p>
    <details>
      <summary>${title} as a table</summary>
      <table>
        <thead><tr><th scope="col">${axis}</th>${series.map((s) => html`<th scope="col">${s.name}</th>`)}</tr></thead>
        <tbody>
          ${labels.map(
            (label, i) => html`<tr><th scope="row">${label}</th>${series.map((s) => html`<td>${s.values[i] == null ? '–' : format(s.values[i])}</td>`)}</tr>`,
          )}
        </tbody>
      </table>
    </details>
  </figure>`;
}
